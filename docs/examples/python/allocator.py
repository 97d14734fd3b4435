"""A tiny pure-Python IMemAllocator, so that run_vectors.py has something to run against.

It follows spec/MemAllocator.tla, but makes two choices differently from the Java
MonitorMemAllocator, both of which the spec leaves open: the free list is FIFO (the buffer
free longest is handed out first), and a returned buffer wakes every waiter (notify_all).
The vectors accept both, which is the point of showing them.

Errors are raised as HResultError with the HRESULT's name. The adapter interface that
run_vectors.py expects is exactly the public methods of PyAllocator and PySample.
"""

import collections
import threading
import time


class HResultError(Exception):
    """A failed call: .hr is the HRESULT name, e.g. "VFW_E_TIMEOUT"."""

    def __init__(self, hr):
        super().__init__(hr)
        self.hr = hr


AM_GBF_NOWAIT = 4
MAX_ALIGN = 65536
INT_MAX = 2**31 - 1


def rounded(p):
    """What SetProperties grants: cbBuffer + cbPrefix rounded up to cbAlign, minus cbPrefix."""
    total = p["cbBuffer"] + p["cbPrefix"]
    up = -(-total // p["cbAlign"]) * p["cbAlign"]  # ceiling division, also for negative sums
    return dict(p, cbBuffer=min(up - p["cbPrefix"], INT_MAX))


def commit_error(p):
    """Why Commit cannot lay the (rounded) properties out, or None."""
    if p["cBuffers"] <= 0 or p["cbBuffer"] <= 0 or p["cbAlign"] <= 0:
        return "VFW_E_SIZENOTSET"
    if p["cbPrefix"] < 0 or p["cBuffers"] * (p["cbBuffer"] + p["cbPrefix"]) + p["cbAlign"] - 1 > INT_MAX:
        return "E_OUTOFMEMORY"
    return None


class PySample:
    """IMediaSample: reference count under the allocator's lock, per-use properties unsynchronised."""

    def __init__(self, allocator, size):
        self._allocator = allocator
        self._size = size
        self.refs = 0
        self._actual = size
        self._time = None        # (start, end or None)
        self._media_time = None  # (start, end)
        self._sync = self._preroll = self._discontinuity = False
        self._media_type = None

    def add_ref(self):
        with self._allocator._lock:
            self.refs += 1
            return self.refs

    def release(self):
        with self._allocator._lock:
            self.refs -= 1
            if self.refs == 0:
                self._sync = self._preroll = self._discontinuity = False
                self._time = self._media_time = self._media_type = None
                self._allocator._give_back(self)
            return self.refs

    def get_size(self):
        return self._size

    def get_actual_data_length(self):
        return self._actual

    def set_actual_data_length(self, n):
        if n < 0 or n > self._size:
            raise HResultError("VFW_E_BUFFER_OVERFLOW")
        self._actual = n

    def get_time(self):
        """(hr, start, end): S_OK, or VFW_S_NO_STOP_TIME with end = start + 1."""
        if self._time is None:
            raise HResultError("VFW_E_SAMPLE_TIME_NOT_SET")
        start, end = self._time
        return ("S_OK", start, end) if end is not None else ("VFW_S_NO_STOP_TIME", start, start + 1)

    def set_time(self, start, end):
        self._time = None if start is None else (start, end)

    def get_media_time(self):
        if self._media_time is None:
            raise HResultError("VFW_E_MEDIA_TIME_NOT_SET")
        return self._media_time

    def set_media_time(self, start, end):
        if start is not None and end is None:
            raise HResultError("E_POINTER")
        self._media_time = None if start is None else (start, end)

    def is_sync_point(self):
        return self._sync

    def set_sync_point(self, value):
        self._sync = bool(value)

    def is_preroll(self):
        return self._preroll

    def set_preroll(self, value):
        self._preroll = bool(value)

    def is_discontinuity(self):
        return self._discontinuity

    def set_discontinuity(self, value):
        self._discontinuity = bool(value)

    def get_media_type(self):
        return self._media_type

    def set_media_type(self, media_type):
        self._media_type = media_type


class PyAllocator:
    """IMemAllocator as one lock and one condition."""

    FEATURES = {"timeout"}  # the timed GetBuffer; Python threads cannot be interrupted

    def __init__(self):
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._props = {"cBuffers": 0, "cbBuffer": 0, "cbAlign": 0, "cbPrefix": 0}
        self._committed = False
        self._pending = False
        self._samples = []                  # this commit cycle's samples: the memory
        self._free = collections.deque()    # FIFO
        self._waiting = 0
        self._open = True

    def _outstanding(self):
        return len(self._samples) - len(self._free)

    def _check_open(self):
        if not self._open:
            raise RuntimeError("allocator used after close()")

    def set_properties(self, request):
        with self._lock:
            self._check_open()
            align = request["cbAlign"]
            if not (1 <= align <= MAX_ALIGN and align & (align - 1) == 0):
                raise HResultError("VFW_E_BADALIGN")
            if self._committed:
                raise HResultError("VFW_E_ALREADY_COMMITTED")
            if self._outstanding() > 0:
                raise HResultError("VFW_E_BUFFERS_OUTSTANDING")
            self._props = rounded(dict(request))
            return dict(self._props)

    def get_properties(self):
        with self._lock:
            self._check_open()
            return dict(self._props)

    def commit(self):
        with self._lock:
            self._check_open()
            if self._pending:
                self._pending = False
                self._committed = True
            elif not self._committed:
                error = commit_error(self._props)
                if error:
                    raise HResultError(error)
                self._samples = [PySample(self, self._props["cbBuffer"]) for _ in range(self._props["cBuffers"])]
                self._free = collections.deque(self._samples)
                self._committed = True

    def _decommit(self):
        if not self._committed:
            return
        self._committed = False
        if self._outstanding() > 0:
            self._pending = True
        else:
            self._samples, self._free = [], collections.deque()
        self._changed.notify_all()

    def decommit(self):
        with self._lock:
            self._check_open()
            self._decommit()

    def close(self):
        with self._lock:
            if self._open:
                self._decommit()
                self._open = False

    def get_buffer(self, flags, timeout_ms=None, start_time=None, end_time=None):
        """A free sample with count 1; start_time and end_time are ignored."""
        deadline = None if timeout_ms is None else time.monotonic() + timeout_ms / 1000.0
        with self._lock:
            self._check_open()
            if not self._committed:
                raise HResultError("VFW_E_NOT_COMMITTED")
            if not self._free:
                if flags & AM_GBF_NOWAIT or (deadline is not None and timeout_ms <= 0):
                    raise HResultError("VFW_E_TIMEOUT")
                self._waiting += 1
                try:
                    while self._committed and not self._free:
                        if deadline is None:
                            self._changed.wait()
                        else:
                            left = deadline - time.monotonic()
                            if left <= 0:
                                break
                            self._changed.wait(left)
                finally:
                    self._waiting -= 1
                if not self._committed:
                    raise HResultError("VFW_E_NOT_COMMITTED")
                if not self._free:
                    raise HResultError("VFW_E_TIMEOUT")
            sample = self._free.popleft()
            sample.refs = 1
            return sample

    def _give_back(self, sample):
        """The final release of a sample: back on the free list, or the pending decommit completes."""
        self._free.append(sample)
        if self._pending and len(self._free) == len(self._samples):
            self._pending = False
            self._samples, self._free = [], collections.deque()
        self._changed.notify_all()

    def waiting_count(self):
        """Optional: lets the runner see a blocked call blocked without sleeping."""
        with self._lock:
            return self._waiting
