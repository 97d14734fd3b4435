package org.memallocator.oracle;

import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.memallocator.AllocatorProperties;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;

/**
 * A random concurrent workload on an allocator, recorded as a history ({@link HistoryRecorder}):
 * worker threads {@code t1..tN} make blocking, AM_GBF_NOWAIT and timed GetBuffer calls (some with
 * times, some with the ignored flags), AddRef and Release their samples, Commit, Decommit,
 * SetProperties and GetProperties, and now and then interrupt one another. A worker also hands a
 * reference on to another (AddRef, then into a shared mailbox; whoever takes it out releases it
 * later), as a source filter hands samples to a renderer: a sample then has references on two
 * threads, which AddRef and Release at once. {@code t1} starts with SetProperties and Commit; the
 * others start at once, so they may see the allocator uncommitted.
 *
 * <p>Progress: a worker makes an untimed blocking GetBuffer only while it holds no sample, after
 * taking every reference out of the mailbox, so every buffer a waiter waits for is held by a
 * running worker that will give it back, or sits in the mailbox, which a running worker empties
 * before it blocks or finishes (each worker releases everything it holds when its operations are
 * done). A broken allocator can still hang.
 *
 * <p>The end: once the workers are done, or after {@link Settings#patience()}, the recorder waits
 * until no event has happened for {@link Settings#settle()} and writes the end-of-recording marker
 * (every run settles, so every history it records has one unless events never stop). Only then are
 * hanging workers interrupted: their calls stay pending in the history, and the checker rejects a
 * call the spec would have let return in the settle period as a lost wake-up.
 *
 * <p>The choices are seeded; the interleaving is whatever the threads do, so two runs with one
 * seed make the same kinds of calls but not the same history.
 */
public final class Workload {

    /**
     * What to run.
     *
     * @param threads    worker threads, at least 1
     * @param operations calls in all (each worker makes its share), at least 1; the final
     *                   releases come on top
     * @param seed       seeds the workers' choices
     * @param patience   how long to wait for the workers before interrupting them
     * @param settle     how long no event must happen before the end-of-recording marker is written
     */
    public record Settings(int threads, int operations, long seed, Duration patience, Duration settle) {
        /** The default settle period. */
        public static final Duration SETTLE = Duration.ofMillis(300);

        public Settings {
            if (threads < 1 || operations < 1) {
                throw new IllegalArgumentException("threads " + threads + " and operations " + operations
                        + " must be at least 1");
            }
            if (patience.isNegative() || patience.isZero() || settle.isNegative()) {
                throw new IllegalArgumentException("patience " + patience + " must be positive and settle " + settle
                        + " not negative");
            }
        }

        public Settings(int threads, int operations, long seed, Duration patience) {
            this(threads, operations, seed, patience, SETTLE);
        }

        public Settings(int threads, int operations, long seed) {
            this(threads, operations, seed, Duration.ofSeconds(60));
        }
    }

    /**
     * A recorded run.
     *
     * @param settings  what ran
     * @param history   the recorded history, JSON Lines; empty when it was written to a writer
     * @param events    its number of events
     * @param finished  whether every worker finished (false: a hang, interrupted or abandoned)
     * @param errors    what stopped a worker early: an exception no allocator call should throw
     *                  (a broken allocator's); empty for a sound one
     * @param settleMs  the settle period of the end-of-recording marker, or -1 if events never
     *                  stopped long enough to write one
     */
    public record Recording(Settings settings, String history, int events, boolean finished, List<String> errors,
                            long settleMs) {

        public History parse() {
            return History.parse(history);
        }
    }

    private Workload() {
    }

    /** Runs the workload on a new allocator from {@code factory}, recording it in memory. */
    public static Recording run(Supplier<? extends MemAllocator> factory, Settings settings) {
        HistoryRecorder recorder = new HistoryRecorder();
        Outcome o = run(factory, settings, recorder);
        return new Recording(settings, recorder.text(), recorder.events(), o.finished, o.errors, o.settleMs);
    }

    /**
     * Runs the workload on a new allocator from {@code factory}, writing the history to {@code out}
     * as it happens (the recording's {@code history} is then empty).
     *
     * @throws IOException if writing failed
     */
    public static Recording run(Supplier<? extends MemAllocator> factory, Settings settings, Writer out)
            throws IOException {
        HistoryRecorder recorder = new HistoryRecorder(out);
        Outcome o = run(factory, settings, recorder);
        if (o.writeError != null) {
            throw o.writeError;
        }
        return new Recording(settings, "", recorder.events(), o.finished, o.errors, o.settleMs);
    }

    private record Outcome(boolean finished, List<String> errors, long settleMs, IOException writeError) {
    }

    /**
     * The run: start the workers, wait for them (at most the patience), settle and write the end
     * marker, and only then interrupt the workers that hang, so their calls stay pending in the
     * history, where the checker judges them.
     */
    private static Outcome run(Supplier<? extends MemAllocator> factory, Settings settings, HistoryRecorder recorder) {
        MemAllocator allocator = recorder.record(factory.get());
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        List<Thread> workers = new ArrayList<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        Queue<MediaSample> mailbox = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(settings.threads());
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < settings.threads(); i++) {
            int share = settings.operations() / settings.threads() + (i < settings.operations() % settings.threads() ? 1 : 0);
            Worker w = new Worker(i, allocator, seeds.split(), share, workers, mailbox, errors, go, done);
            Thread t = new Thread(w, "t" + (i + 1));
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
        go.countDown();
        boolean finished = await(done, settings.patience());
        long settleMs = -1;
        IOException writeError = null;
        try {
            settleMs = recorder.end(settings.settle(), settings.settle().plus(Duration.ofSeconds(2)));
        } catch (IOException e) {
            writeError = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!finished) {
            // a hang: interrupt the workers for a while (their calls, recorded or not, end here)
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (!finished && System.nanoTime() - until < 0) {
                workers.forEach(Thread::interrupt);
                finished = await(done, Duration.ofMillis(50));
            }
            finished = false;
        }
        return new Outcome(finished, List.copyOf(errors), settleMs, writeError);
    }

    private static boolean await(CountDownLatch latch, Duration d) {
        try {
            return latch.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One worker: its share of random calls, then it gives back everything it holds. */
    private static final class Worker implements Runnable {
        private final int index;
        private final MemAllocator allocator;
        private final SplittableRandom random;
        private final int operations;
        private final List<Thread> all;
        /** References handed from one worker to another. */
        private final Queue<MediaSample> mailbox;
        private final List<String> errors;
        private final CountDownLatch go;
        private final CountDownLatch done;
        /** One entry per reference held: a sample AddRef'd once is in here twice. */
        private final List<MediaSample> held = new ArrayList<>();

        Worker(int index, MemAllocator allocator, SplittableRandom random, int operations, List<Thread> all,
               Queue<MediaSample> mailbox, List<String> errors, CountDownLatch go, CountDownLatch done) {
            this.index = index;
            this.allocator = allocator;
            this.random = random;
            this.operations = operations;
            this.all = all;
            this.mailbox = mailbox;
            this.errors = errors;
            this.go = go;
            this.done = done;
        }

        @Override
        public void run() {
            try {
                awaitUninterruptibly(go); // an early interrupt from another worker is kept for later
                int n = operations;
                if (index == 0) {
                    attempt(() -> allocator.setProperties(new AllocatorProperties(3, 64, 8, 0)));
                    attempt(allocator::commit);
                    n = Math.max(0, n - 2);
                }
                for (int i = 0; i < n; i++) {
                    step();
                }
                Thread.interrupted(); // a late interrupt from another worker
                takeMail();
                while (!held.isEmpty()) {
                    held.remove(held.size() - 1).release();
                }
            } catch (InterruptedException e) {
                // interrupted by the hang handling: stop here
            } catch (RuntimeException e) {
                errors.add(Thread.currentThread().getName() + ": " + e); // a broken allocator: stop here
            } finally {
                done.countDown();
            }
        }

        private void step() throws InterruptedException {
            int r = random.nextInt(100);
            if (!held.isEmpty() && r < 35) {
                held.remove(random.nextInt(held.size())).release();
            } else if (!held.isEmpty() && r < 42 && held.size() < 6) {
                MediaSample s = held.get(random.nextInt(held.size()));
                s.addRef();
                if (random.nextBoolean()) {
                    mailbox.add(s); // the new reference is someone else's to release
                } else {
                    held.add(s);
                }
            } else if (r < 46 && !mailbox.isEmpty()) {
                takeMail();
            } else if (r < 55) {
                get(() -> allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT | ignoredFlags()));
            } else if (r < 64) {
                Duration timeout = Duration.ofNanos(random.nextInt(2_000_000));
                get(() -> allocator.getBuffer(ignoredFlags(), timeout));
            } else if (r < 76) {
                takeMail();
                if (held.isEmpty()) { // a blocking get only with nothing held: see the class comment
                    get(() -> allocator.getBuffer(ignoredFlags()));
                } else {
                    get(() -> allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT));
                }
            } else if (r < 79) {
                takeMail();
                int flags = held.isEmpty() && random.nextBoolean() ? 0 : MemAllocator.AM_GBF_NOWAIT;
                long start = random.nextLong(1_000_000);
                get(() -> allocator.getBuffer(start, start + 400_000, flags));
            } else if (r < 86) {
                attempt(allocator::commit);
            } else if (r < 92) {
                attempt(allocator::decommit);
            } else if (r < 95) {
                int[] aligns = {1, 8, 16, 3};
                AllocatorProperties request = new AllocatorProperties(random.nextInt(5), 16 + random.nextInt(120),
                        aligns[random.nextInt(aligns.length)], random.nextInt(9));
                attempt(() -> allocator.setProperties(request));
            } else if (r < 98) {
                allocator.getProperties();
            } else if (all.size() > 1) {
                int other = random.nextInt(all.size() - 1);
                all.get(other >= index ? other + 1 : other).interrupt();
            }
        }

        /** Takes every reference out of the mailbox: this worker will release them. */
        private void takeMail() {
            for (MediaSample s = mailbox.poll(); s != null; s = mailbox.poll()) {
                held.add(s);
            }
        }

        private static void awaitUninterruptibly(CountDownLatch latch) {
            boolean interrupted = false;
            while (true) {
                try {
                    latch.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private int ignoredFlags() {
            return random.nextInt(4) == 0 ? MemAllocator.AM_GBF_PREVFRAMESKIPPED | MemAllocator.AM_GBF_NOTASYNCPOINT : 0;
        }

        private void get(Get body) {
            try {
                MediaSample s = body.get();
                if (s != null) {
                    held.add(s);
                }
            } catch (MemAllocatorException | InterruptedException expected) {
                // recorded; the workload goes on (an interrupt consumed here is the one meant for this call)
            }
        }

        private static void attempt(Runnable call) {
            try {
                call.run();
            } catch (MemAllocatorException expected) {
                // recorded
            }
        }
    }

    @FunctionalInterface
    private interface Get {
        MediaSample get() throws InterruptedException;
    }
}
