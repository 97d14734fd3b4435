package org.memallocator.modeltests.trace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.memallocator.AllocatorProperties;
import org.memallocator.HResult;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;
import org.memallocator.WaitLoopHook;

/**
 * A random concurrent workload on one allocator, recorded as a trace.
 *
 * <p>Worker threads {@code t1}..{@code tN} make random calls: blocking, NOWAIT and timed
 * {@code getBuffer}s (timeouts of 0 to 3 ms), AddRef and Release of the references they hold,
 * samples handed to a shared pool and released there by another thread (COM lets any thread
 * release), SetProperties (mostly refused), Commit and Decommit. A controller thread
 * {@code tN+1} runs decommit/commit cycles (with new properties while nothing is out), interrupts
 * workers at random, and ends the run: once the workers have stopped it closes the allocator with
 * samples still out and then releases them, so the last release completes the decommit after the
 * close. Every spec step is recorded, refused calls included.
 *
 * <p>The choices come from the seed; the interleaving does not, so a seed does not replay a run.
 */
final class Workload {

    /**
     * @param seed         the choices' seed
     * @param workers      worker threads (spec threads t1..)
     * @param opsPerWorker calls each worker makes
     * @param maxBuffers   the largest cBuffers requested
     * @param patience     how long the run may take before it counts as hung
     * @param holdWokenNanos with more than 0, a {@link WaitLoopHook} holds every other woken
     *                     waiter, between its wake-up and its re-check, for up to this long
     *                     (random): other threads release, decommit and wait meanwhile, so two
     *                     releases land before the first woken waiter runs, and a decommit finds
     *                     a buffer free and a waiter. The implementation must have the hook seam.
     */
    record Settings(long seed, int workers, int opsPerWorker, int maxBuffers, Duration patience,
                    long holdWokenNanos) {

        /** Woken waiters are not held. */
        Settings(long seed, int workers, int opsPerWorker, int maxBuffers, Duration patience) {
            this(seed, workers, opsPerWorker, maxBuffers, patience, 0L);
        }
    }

    /**
     * A finished run.
     *
     * @param threads the spec threads, workers then the controller
     * @param trace   the recorded steps in lock order
     * @param monitorTrace the same with the condition's steps and wait queue ({@link TraceRecorder})
     * @param nanos   how long the run took
     * @param problem null, or what went wrong outside the trace (a hang, a thread that threw)
     */
    record Run(List<String> threads, List<TraceEvent> trace, List<MonitorTraceEvent> monitorTrace, long nanos,
               String problem) {
    }

    private final MemAllocator allocator;
    private final Settings settings;
    private final TraceRecorder recorder = new TraceRecorder();
    private final ConcurrentLinkedQueue<MediaSample> shared = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<MediaSample> late = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Throwable> unexpected = new AtomicReference<>();

    Workload(MemAllocator allocator, Settings settings) {
        this.allocator = allocator;
        this.settings = settings;
    }

    /** Runs the workload to the end and returns the trace. */
    Run run() throws InterruptedException {
        long start = System.nanoTime();
        List<String> names = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        for (int i = 1; i <= settings.workers(); i++) {
            String name = "t" + i;
            SplittableRandom random = seeds.split();
            Thread t = new Thread(() -> guarded(() -> work(random)), "trace-" + name);
            t.setDaemon(true);
            recorder.name(t, name);
            names.add(name);
            workers.add(t);
        }
        String controllerName = "t" + (settings.workers() + 1);
        SplittableRandom controlRandom = seeds.split();
        Thread controller = new Thread(() -> guarded(() -> control(controlRandom, workers)), "trace-" + controllerName);
        controller.setDaemon(true);
        recorder.name(controller, controllerName);
        names.add(controllerName);

        if (settings.holdWokenNanos() > 0 && !WaitLoopHook.install(allocator, new HoldWoken(settings.holdWokenNanos()))) {
            return new Run(List.copyOf(names), List.of(), List.of(), 0L,
                    "the implementation has no wait-loop hook (WaitLoopHook) to hold woken waiters with");
        }
        allocator.setSpecTrace(recorder);
        workers.forEach(Thread::start);
        controller.start();
        controller.join(settings.patience().toMillis());
        String problem = null;
        if (unexpected.get() != null) {
            problem = "a workload thread threw " + stack(unexpected.get());
            for (Thread t : concat(workers, controller)) {
                t.interrupt();
            }
        } else if (controller.isAlive() || workers.stream().anyMatch(Thread::isAlive)) {
            StringBuilder s = new StringBuilder("the workload did not finish within " + settings.patience() + ":");
            for (Thread t : concat(workers, controller)) {
                if (t.isAlive()) {
                    s.append("\n  ").append(t.getName()).append(' ').append(t.getState());
                    for (StackTraceElement f : t.getStackTrace()) {
                        s.append("\n      at ").append(f);
                    }
                }
            }
            problem = s.toString();
            for (Thread t : concat(workers, controller)) {
                t.interrupt(); // let blocked calls go; the threads are daemons in any case
            }
        }
        allocator.setSpecTrace(null);
        return new Run(List.copyOf(names), recorder.events(), recorder.monitorEvents(), System.nanoTime() - start,
                problem);
    }

    private interface Body {
        void run() throws Exception;
    }

    private void guarded(Body body) {
        try {
            body.run();
        } catch (Throwable t) {
            unexpected.compareAndSet(null, t);
        }
    }

    // ------------------------------------------------------------ workers

    private void work(SplittableRandom random) {
        List<MediaSample> held = new ArrayList<>(); // one entry per reference this worker holds
        for (int op = 0; op < settings.opsPerWorker(); op++) {
            int dice = random.nextInt(100);
            try {
                if (dice < 36) {
                    if (held.size() >= 2) {
                        release(held, random);
                    } else {
                        get(held, random);
                    }
                } else if (dice < 60) {
                    release(held, random);
                } else if (dice < 67) {
                    if (!held.isEmpty() && held.size() < 3) {
                        MediaSample s = held.get(random.nextInt(held.size()));
                        s.addRef();
                        held.add(s);
                    }
                } else if (dice < 74) {
                    if (!held.isEmpty()) {
                        shared.add(held.remove(random.nextInt(held.size())));
                    }
                } else if (dice < 81) {
                    MediaSample s = shared.poll();
                    if (s != null) {
                        s.release();
                    }
                } else if (dice < 86) {
                    allocator.setProperties(request(random));
                } else if (dice < 90) {
                    allocator.commit();
                } else if (dice < 91) {
                    allocator.decommit();
                } else {
                    recorder.mode("nowait");
                    try {
                        held.add(allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT));
                    } finally {
                        recorder.mode("none");
                    }
                }
            } catch (MemAllocatorException refused) {
                // a refused call: its spec step is in the trace
                if (refused.hresult() == HResult.VFW_E_NOT_COMMITTED) {
                    LockSupport.parkNanos(20_000 + random.nextInt(80_000)); // wait for the controller to commit
                }
            } catch (InterruptedException interrupted) {
                // the controller interrupted a blocked getBuffer: WaitInterrupted is in the trace
            }
        }
        Thread.interrupted();
        // Give some references to the controller, to be released after close(); release the rest.
        while (!held.isEmpty()) {
            MediaSample s = held.remove(held.size() - 1);
            if (random.nextInt(3) == 0) {
                late.add(s);
            } else {
                s.release();
            }
        }
    }

    private void get(List<MediaSample> held, SplittableRandom random) throws InterruptedException {
        int how = random.nextInt(10);
        String mode = how < 4 ? "wait" : how < 6 ? "nowait" : "timed";
        if (!"nowait".equals(mode) && !held.isEmpty() && random.nextBoolean()) {
            // hand a reference to another thread before waiting: its release is what wakes us
            shared.add(held.remove(random.nextInt(held.size())));
        }
        recorder.mode(mode);
        try {
            MediaSample s = switch (mode) {
                case "wait" -> how == 0 ? allocator.getBuffer(100L, 200L, MemAllocator.AM_GBF_NOTASYNCPOINT)
                        : allocator.getBuffer(0);
                case "nowait" -> allocator.getBuffer(MemAllocator.AM_GBF_NOWAIT | MemAllocator.AM_GBF_PREVFRAMESKIPPED);
                default -> allocator.getBuffer(0, Duration.ofNanos(1000L * (random.nextInt(4) * 1000L
                        + (random.nextBoolean() ? 0 : random.nextInt(500)))));
            };
            held.add(s);
        } finally {
            recorder.mode("none");
        }
    }

    private static void release(List<MediaSample> held, SplittableRandom random) {
        if (!held.isEmpty()) {
            held.remove(random.nextInt(held.size())).release();
        }
    }

    /** Mostly a request that can be laid out; now and then one of each refused kind. */
    private AllocatorProperties request(SplittableRandom random) {
        int count = 1 + random.nextInt(settings.maxBuffers());
        return switch (random.nextInt(10)) {
            case 0 -> new AllocatorProperties(count, 64, 3, 0);        // misaligned
            case 1 -> new AllocatorProperties(count, 0, 8, 0);         // size not set
            case 2 -> new AllocatorProperties(count, 64, 8, -8);       // negative prefix: out of memory
            case 3 -> new AllocatorProperties(0, 64, 8, 0);            // no buffers
            default -> new AllocatorProperties(count, 32 + random.nextInt(64), 1 << random.nextInt(5),
                    random.nextInt(3) * 8);
        };
    }

    // ------------------------------------------------------------ controller

    private void control(SplittableRandom random, List<Thread> workers) throws InterruptedException {
        try {
            allocator.setProperties(new AllocatorProperties(settings.maxBuffers(), 64, 8, 0));
            allocator.commit();
        } catch (MemAllocatorException refused) {
            // a worker set and committed first
        }
        while (workers.stream().anyMatch(Thread::isAlive)) {
            LockSupport.parkNanos(random.nextInt(400_000));
            if (random.nextInt(10) < 4) {
                MediaSample s = shared.poll();
                if (s != null) {
                    s.release(); // a sample handed over by a worker, released on another thread
                }
            }
            int dice = random.nextInt(100);
            try {
                if (dice < 15) {
                    allocator.decommit();
                    LockSupport.parkNanos(random.nextInt(200_000));
                    if (random.nextBoolean()) {
                        allocator.setProperties(request(random));
                    }
                    recommit(random);
                } else if (dice < 25) {
                    workers.get(random.nextInt(workers.size())).interrupt();
                } else if (dice < 40) {
                    recommit(random);
                }
            } catch (MemAllocatorException refused) {
                // refused SetProperties or Commit: in the trace; the next cycle commits again
            }
        }
        for (Thread w : workers) {
            w.join();
        }
        // Close with samples out, then release them: the last release completes the decommit.
        allocator.close();
        for (MediaSample s = late.poll(); s != null; s = late.poll()) {
            s.release();
        }
        for (MediaSample s = shared.poll(); s != null; s = shared.poll()) {
            s.release();
        }
    }

    /** Commit; if the properties in force cannot be laid out, set ones that can and commit again. */
    private void recommit(SplittableRandom random) {
        try {
            allocator.commit();
        } catch (MemAllocatorException cannotLayOut) {
            try {
                allocator.setProperties(new AllocatorProperties(1 + random.nextInt(settings.maxBuffers()), 64, 8, 0));
            } catch (MemAllocatorException refused) {
                // committed or samples out meanwhile
            }
            allocator.commit();
        }
    }

    /** Holds every other woken waiter for a random time up to {@code maxNanos} (see Settings). */
    private record HoldWoken(long maxNanos) implements WaitLoopHook {

        @Override
        public void beforePark(Thread thread) {
        }

        @Override
        public void afterWake(Thread thread) {
            java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            if (random.nextBoolean()) {
                LockSupport.parkNanos(random.nextLong(maxNanos));
            }
        }
    }

    // ------------------------------------------------------------ helpers

    private static List<Thread> concat(List<Thread> workers, Thread controller) {
        List<Thread> all = new ArrayList<>(workers);
        all.add(controller);
        return all;
    }

    private static String stack(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
