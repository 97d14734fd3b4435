package org.memallocator.oracle;

import java.time.Duration;
import org.memallocator.AllocatorProperties;
import org.memallocator.ForwardingMemAllocator;
import org.memallocator.HResult;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocatorException;
import org.memallocator.MonitorMemAllocator;

/**
 * Deliberately broken allocators, for showing that the oracle's checks fail on them: each is
 * {@link MonitorMemAllocator} with one bug. Public, with public no-argument constructors, so that
 * the CLI's {@code --implementation} can load them.
 */
public final class BrokenAllocators {

    private BrokenAllocators() {
    }

    /** Instead of VFW_E_TIMEOUT, hands out (again, AddRef'd) the last sample it handed out, if still held. */
    public static final class HandsOutTwice extends Delegating {
        @Override
        MediaSample get(Get body) throws InterruptedException {
            try {
                return remember(body.get());
            } catch (MemAllocatorException e) {
                return e.hresult() == HResult.VFW_E_TIMEOUT ? again(e) : thrower(e);
            }
        }
    }

    /** Instead of VFW_E_NOT_COMMITTED, hands out (again, AddRef'd) the last sample it handed out, if still held. */
    public static final class GetAfterDecommit extends Delegating {
        @Override
        MediaSample get(Get body) throws InterruptedException {
            try {
                return remember(body.get());
            } catch (MemAllocatorException e) {
                return e.hresult() == HResult.VFW_E_NOT_COMMITTED ? again(e) : thrower(e);
            }
        }
    }

    /** GetBuffer never waits: every call is AM_GBF_NOWAIT. */
    public static final class NeverWaits extends Delegating {
        @Override
        public MediaSample getBuffer(int flags) throws InterruptedException {
            return inner.getBuffer(flags | AM_GBF_NOWAIT);
        }

        @Override
        public MediaSample getBuffer(long startTime, long endTime, int flags) throws InterruptedException {
            return inner.getBuffer(startTime, endTime, flags | AM_GBF_NOWAIT);
        }
    }

    /** SetProperties grants the request as it is, unrounded. */
    public static final class Unrounded extends Delegating {
        @Override
        public AllocatorProperties setProperties(AllocatorProperties request) {
            inner.setProperties(request);
            return request;
        }
    }

    /** A MonitorMemAllocator seen through a hook on GetBuffer. */
    abstract static class Delegating extends ForwardingMemAllocator {
        private volatile MediaSample last;

        Delegating() {
            super(new MonitorMemAllocator());
        }

        @FunctionalInterface
        interface Get {
            MediaSample get() throws InterruptedException;
        }

        MediaSample get(Get body) throws InterruptedException {
            return body.get();
        }

        MediaSample remember(MediaSample s) {
            last = s;
            return s;
        }

        /** The last sample again, AddRef'd, or {@code e} if it is no longer held. */
        MediaSample again(MemAllocatorException e) {
            MediaSample s = last;
            if (s == null) {
                throw e;
            }
            try {
                s.addRef();
                return s;
            } catch (IllegalStateException dead) {
                throw e;
            }
        }

        static MediaSample thrower(MemAllocatorException e) {
            throw e;
        }

        @Override
        public MediaSample getBuffer(int flags) throws InterruptedException {
            return get(() -> inner.getBuffer(flags));
        }

        @Override
        public MediaSample getBuffer(long startTime, long endTime, int flags) throws InterruptedException {
            return get(() -> inner.getBuffer(startTime, endTime, flags));
        }

        @Override
        public MediaSample getBuffer(int flags, Duration timeout) throws InterruptedException {
            return get(() -> inner.getBuffer(flags, timeout));
        }
    }
}
