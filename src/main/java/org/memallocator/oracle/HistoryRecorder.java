package org.memallocator.oracle;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.memallocator.AllocatorProperties;
import org.memallocator.ForwardingMemAllocator;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;

/**
 * Records a history of real calls on any {@link MemAllocator}: {@link #record} wraps an allocator
 * so that each {@code IMemAllocator} call, and each {@code AddRef}/{@code Release} of the samples it
 * hands out, appends a call event just before it runs and a return event just after it returns,
 * both under one global lock, so the order of the lines is an order in which the events really
 * happened. This is what a port's recorder must do too (see {@code PORTING.md}).
 *
 * <p>Threads are named by their {@link Thread#getName() name} (made unique with {@code #2},
 * {@code #3}... if two threads share one). Samples get ids 1, 2, 3... in the order they are first
 * handed out, by identity: the same sample object always has the same id. (MonitorMemAllocator
 * keeps its sample objects for a commit cycle and makes new ones for the next; an allocator that
 * keeps them across cycles keeps their ids, which the checker also accepts.)
 *
 * <p>Outcomes: {@code S_OK} for a return, the HRESULT name of a {@link MemAllocatorException},
 * {@value History#INTERRUPTED} for an {@link InterruptedException}, and {@value History#EXCEPTION}
 * (with its text) for anything else. Sample methods other than AddRef and Release, and the
 * allocator's counters, pass through unrecorded.
 *
 * <p>The end of a recording: {@link #end} waits until no event has happened for a settle period,
 * then appends the end-of-recording marker {@code {"event":"end","settleMs":N}} (N: how long it
 * actually saw no event) and records nothing more, so a call that returns later stays pending in
 * the history. The checker then holds every pending call to having had N ms to return.
 *
 * <p>Lines are kept in memory ({@link #HistoryRecorder()}, {@link #text()}) or written as they
 * happen to a writer ({@link #HistoryRecorder(Writer)}), so a long recording costs no memory.
 */
public final class HistoryRecorder {

    private final ReentrantLock lock = new ReentrantLock();
    /** The lines so far, or null when they go to {@link #out}. */
    private final List<String> lines;
    private final Writer out;
    private int events;
    private long lastEvent = System.nanoTime();
    private boolean ended;
    private IOException failed;
    private final Map<Thread, String> threadNames = new IdentityHashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private final Map<MediaSample, RecordingSample> samples = new IdentityHashMap<>();

    /** A recorder that keeps the history in memory. */
    public HistoryRecorder() {
        this.lines = new ArrayList<>();
        this.out = null;
    }

    /**
     * A recorder that writes each line to {@code out} as it happens (under the recorder's lock, so
     * the lines keep the order of the events). The caller closes {@code out}; {@link #end} flushes it.
     */
    public HistoryRecorder(Writer out) {
        this.lines = null;
        this.out = out;
    }

    /** The allocator {@code allocator}, recording into this recorder. */
    public MemAllocator record(MemAllocator allocator) {
        return new RecordingAllocator(allocator);
    }

    /** The number of events recorded so far (the end marker is no event). */
    public int events() {
        lock.lock();
        try {
            return events;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the end-of-recording marker has been written. */
    public boolean ended() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the recording once no event has happened for {@code settle}: appends the marker
     * {@code {"event":"end","settleMs":N}}, N the milliseconds actually seen without an event (at
     * least {@code settle}), and records nothing after it. Gives up, writing nothing, if events
     * still happen after {@code within}.
     *
     * @return N, or -1 if it gave up
     * @throws IOException if writing the history failed, now or earlier
     */
    public long end(Duration settle, Duration within) throws IOException, InterruptedException {
        long giveUp = System.nanoTime() + within.toNanos();
        while (true) {
            long wait;
            lock.lock();
            try {
                if (ended) {
                    throw new IllegalStateException("the recording has ended");
                }
                long quiet = System.nanoTime() - lastEvent;
                if (quiet >= settle.toNanos()) {
                    long ms = quiet / 1_000_000;
                    append("{\"event\":\"end\",\"settleMs\":" + ms + "}");
                    ended = true;
                    if (out != null) {
                        out.flush();
                    }
                    if (failed != null) {
                        throw failed;
                    }
                    return ms;
                }
                wait = settle.toNanos() - quiet;
            } finally {
                lock.unlock();
            }
            if (System.nanoTime() + wait - giveUp > 0) {
                return -1;
            }
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** The history so far as JSON Lines, one event per line, each line ending in {@code \n}. */
    public String text() {
        if (lines == null) {
            throw new IllegalStateException("the history was written to a writer, not kept");
        }
        lock.lock();
        try {
            StringBuilder s = new StringBuilder(lines.size() * 64);
            for (String line : lines) {
                s.append(line).append('\n');
            }
            return s.toString();
        } finally {
            lock.unlock();
        }
    }

    /** The history so far, parsed. */
    public History history() {
        return History.parse(text());
    }

    /** Writes the history so far (kept in memory) to {@code file} (UTF-8). */
    public void write(Path file) throws IOException {
        Files.writeString(file, text(), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------ events

    /** Appends a call event; call only from the calling thread, just before the call. */
    private void call(String op, String fields) {
        lock.lock();
        try {
            event("{\"thread\":" + quote(threadName()) + ",\"event\":\"call\",\"op\":\"" + op + "\"" + fields + "}");
        } finally {
            lock.unlock();
        }
    }

    /** Appends a return event; call only from the calling thread, just after the call. */
    private void ret(String op, String hr, String fields) {
        lock.lock();
        try {
            event("{\"thread\":" + quote(threadName()) + ",\"event\":\"return\",\"op\":\"" + op
                    + "\",\"hr\":\"" + hr + "\"" + fields + "}");
        } finally {
            lock.unlock();
        }
    }

    /** Records an event line, unless the recording has ended. Call only under the lock. */
    private void event(String line) {
        if (!ended) {
            append(line);
            events++;
            lastEvent = System.nanoTime();
        }
    }

    /** Keeps or writes a line. Call only under the lock. */
    private void append(String line) {
        if (lines != null) {
            lines.add(line);
        } else if (failed == null) {
            try {
                out.write(line);
                out.write('\n');
            } catch (IOException e) {
                failed = e; // reported by end(): the calls of the recorded allocator must not fail for it
            }
        }
    }

    /** Appends the return of a call that threw {@code e}. */
    private void threw(String op, Throwable e) {
        if (e instanceof MemAllocatorException m) {
            ret(op, m.hresult().name(), "");
        } else if (e instanceof InterruptedException) {
            ret(op, History.INTERRUPTED, "");
        } else {
            ret(op, History.EXCEPTION, ",\"exception\":" + quote(e.toString()));
        }
    }

    /** The calling thread's history name. Call only under the lock. */
    private String threadName() {
        Thread t = Thread.currentThread();
        String name = threadNames.get(t);
        if (name == null) {
            name = t.getName();
            for (int n = 2; usedNames.contains(name); n++) {
                name = t.getName() + "#" + n;
            }
            usedNames.add(name);
            threadNames.put(t, name);
        }
        return name;
    }

    /** The recording wrapper of {@code sample}, with its id. Call only under the lock. */
    private RecordingSample wrap(MediaSample sample) {
        return samples.computeIfAbsent(sample, s -> new RecordingSample(s, samples.size() + 1));
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static String props(String name, AllocatorProperties p) {
        return ",\"" + name + "\":{\"cBuffers\":" + p.cBuffers() + ",\"cbBuffer\":" + p.cbBuffer() + ",\"cbAlign\":"
                + p.cbAlign() + ",\"cbPrefix\":" + p.cbPrefix() + "}";
    }

    // ------------------------------------------------------------ the wrappers

    private final class RecordingAllocator extends ForwardingMemAllocator {

        RecordingAllocator(MemAllocator inner) {
            super(inner);
        }

        @Override
        public AllocatorProperties setProperties(AllocatorProperties request) {
            call("SetProperties", request == null ? "" : props("request", request));
            AllocatorProperties actual;
            try {
                actual = inner.setProperties(request);
            } catch (RuntimeException | Error e) {
                threw("SetProperties", e);
                throw e;
            }
            ret("SetProperties", "S_OK", actual == null ? "" : props("props", actual));
            return actual;
        }

        @Override
        public AllocatorProperties getProperties() {
            call("GetProperties", "");
            AllocatorProperties actual;
            try {
                actual = inner.getProperties();
            } catch (RuntimeException | Error e) {
                threw("GetProperties", e);
                throw e;
            }
            ret("GetProperties", "S_OK", actual == null ? "" : props("props", actual));
            return actual;
        }

        @Override
        public void commit() {
            run("Commit", inner::commit);
        }

        @Override
        public void decommit() {
            run("Decommit", inner::decommit);
        }

        @Override
        public void close() {
            run("Close", inner::close);
        }

        private void run(String op, Runnable body) {
            call(op, "");
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                threw(op, e);
                throw e;
            }
            ret(op, "S_OK", "");
        }

        @Override
        public MediaSample getBuffer(int flags) throws InterruptedException {
            return get(",\"flags\":" + flags, () -> inner.getBuffer(flags));
        }

        @Override
        public MediaSample getBuffer(long startTime, long endTime, int flags) throws InterruptedException {
            return get(",\"flags\":" + flags + ",\"startTime\":" + startTime + ",\"endTime\":" + endTime,
                    () -> inner.getBuffer(startTime, endTime, flags));
        }

        @Override
        public MediaSample getBuffer(int flags, Duration timeout) throws InterruptedException {
            long ms;
            try {
                ms = Math.max(0L, timeout.toMillis());
            } catch (ArithmeticException tooLong) {
                ms = timeout.isNegative() ? 0L : Long.MAX_VALUE;
            }
            return get(",\"flags\":" + flags + ",\"timeoutMs\":" + ms, () -> inner.getBuffer(flags, timeout));
        }

        private MediaSample get(String fields, Get body) throws InterruptedException {
            call("GetBuffer", fields);
            MediaSample sample;
            try {
                sample = body.get();
            } catch (InterruptedException | RuntimeException | Error e) {
                threw("GetBuffer", e);
                throw e;
            }
            lock.lock();
            try {
                if (sample == null) {
                    ret("GetBuffer", History.EXCEPTION, ",\"exception\":\"returned null\"");
                    return null;
                }
                RecordingSample wrapper = wrap(sample);
                ret("GetBuffer", "S_OK", ",\"sample\":" + wrapper.id);
                return wrapper;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void releaseBuffer(MediaSample sample) {
            inner.releaseBuffer(sample instanceof RecordingSample r ? r.inner : sample);
        }

        @Override
        public String toString() {
            return "recorded " + inner;
        }
    }

    @FunctionalInterface
    private interface Get {
        MediaSample get() throws InterruptedException;
    }

    private final class RecordingSample implements MediaSample {
        final MediaSample inner;
        final int id;

        RecordingSample(MediaSample inner, int id) {
            this.inner = inner;
            this.id = id;
        }

        @Override
        public int addRef() {
            return count("AddRef", inner::addRef);
        }

        @Override
        public int release() {
            return count("Release", inner::release);
        }

        private int count(String op, java.util.function.IntSupplier body) {
            call(op, ",\"sample\":" + id);
            int n;
            try {
                n = body.getAsInt();
            } catch (RuntimeException | Error e) {
                threw(op, e);
                throw e;
            }
            ret(op, "S_OK", ",\"refs\":" + n);
            return n;
        }

        @Override
        public ByteBuffer pointer() {
            return inner.pointer();
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public int actualDataLength() {
            return inner.actualDataLength();
        }

        @Override
        public void setActualDataLength(int length) {
            inner.setActualDataLength(length);
        }

        @Override
        public TimeRange time() {
            return inner.time();
        }

        @Override
        public void setTime(Long start, Long end) {
            inner.setTime(start, end);
        }

        @Override
        public TimeRange mediaTime() {
            return inner.mediaTime();
        }

        @Override
        public void setMediaTime(Long start, Long end) {
            inner.setMediaTime(start, end);
        }

        @Override
        public boolean isSyncPoint() {
            return inner.isSyncPoint();
        }

        @Override
        public void setSyncPoint(boolean syncPoint) {
            inner.setSyncPoint(syncPoint);
        }

        @Override
        public boolean isPreroll() {
            return inner.isPreroll();
        }

        @Override
        public void setPreroll(boolean preroll) {
            inner.setPreroll(preroll);
        }

        @Override
        public boolean isDiscontinuity() {
            return inner.isDiscontinuity();
        }

        @Override
        public void setDiscontinuity(boolean discontinuity) {
            inner.setDiscontinuity(discontinuity);
        }

        @Override
        public Object mediaType() {
            return inner.mediaType();
        }

        @Override
        public void setMediaType(Object mediaType) {
            inner.setMediaType(mediaType);
        }

        @Override
        public String toString() {
            return "sample " + id + " (" + inner + ")";
        }
    }
}
