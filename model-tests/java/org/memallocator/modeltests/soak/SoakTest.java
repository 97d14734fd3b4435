package org.memallocator.modeltests.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.memallocator.modeltests.support.Implementations;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.memallocator.AllocatorProperties;
import org.memallocator.HResult;
import org.memallocator.MediaSample;
import org.memallocator.MemAllocator;
import org.memallocator.MemAllocatorException;
import org.memallocator.MonitorMemAllocator;

/**
 * A bounded soak of {@link MonitorMemAllocator}: worker threads do random operations (blocking,
 * NOWAIT and timed gets, AddRef/Release, writes, Commit/Decommit, misuse that must be refused)
 * while the test thread interrupts them at random. At each quiescent point (workers stopped,
 * their samples released) no buffer may be lost or duplicated: nothing outstanding or waiting,
 * {@code free == count} (0 when decommitted), and NOWAIT gets drain exactly {@code count}
 * distinct samples. During the run, a sample handed to two holders at once, a stamp overwritten
 * by another holder, a wrong reference count or an unexpected HRESULT fails the test.
 *
 * <p>Budget from the system property {@code memallocator.budget}: {@code ci} (default) runs for
 * about 30 s of wall clock, {@code long} for 10^7 operations. The master seed is printed and is
 * part of every failure message; {@code -Dmemallocator.soak.seed=N} replays its choices (thread
 * interleavings, of course, differ).
 */
class SoakTest {

    private static final Duration CI_WALL_CLOCK = Duration.ofSeconds(30);
    private static final long LONG_OPERATIONS = 10_000_000L;
    private static final int PHASE_OPERATIONS_PER_WORKER = 20_000;
    private static final Duration PHASE_WALL_CLOCK = Duration.ofMillis(250);
    private static final Duration HANG = Duration.ofSeconds(20);
    private static final int MAX_HELD_PER_WORKER = 3;
    private static final int SIZE = 64;

    private final long seed = Long.getLong("memallocator.soak.seed", System.nanoTime());
    private final AtomicLong operations = new AtomicLong();

    @Test
    void noBufferIsLostOrDuplicatedUnderRandomConcurrentUse() throws InterruptedException {
        boolean longRun = "long".equals(System.getProperty("memallocator.budget", "ci"));
        System.out.println("SoakTest seed=" + seed + (longRun ? " (long)" : " (ci)"));
        SplittableRandom random = new SplittableRandom(seed);
        long end = System.nanoTime() + CI_WALL_CLOCK.toNanos();
        int round = 0;
        while (longRun ? operations.get() < LONG_OPERATIONS : System.nanoTime() - end < 0) {
            runRound(round++, random.split(), longRun, end);
        }
        System.out.println("SoakTest seed=" + seed + ": " + round + " rounds, "
                + operations.get() + " operations");
    }

    /** One allocator: a few phases of concurrent use, each ending in a quiescent check. */
    private void runRound(int round, SplittableRandom random, boolean longRun, long end)
            throws InterruptedException {
        int count = 1 + random.nextInt(4);
        AllocatorProperties props =
                new AllocatorProperties(count, SIZE, 1 << random.nextInt(7), random.nextInt(17));
        MemAllocator foreign = new MonitorMemAllocator();
        foreign.setProperties(new AllocatorProperties(1, SIZE, 1, 0));
        foreign.commit();
        MediaSample foreignSample = foreign.getBuffer(0);
        List<MediaSample> dead = Collections.synchronizedList(new ArrayList<>());
        try (MemAllocator allocator = Implementations.create()) {
            allocator.setProperties(props);
            allocator.commit();
            for (int phase = 0; phase < 8 && (longRun || System.nanoTime() - end < 0); phase++) {
                String where = "seed=" + seed + " round=" + round + " phase=" + phase + " " + props;
                Shared shared = new Shared(allocator, props, foreignSample, dead, where);
                runPhase(shared, random.split(), 2 + random.nextInt(3), longRun);
                checkQuiescent(shared);
                if (random.nextBoolean()) {
                    dead.addAll(drain(shared)); // every sample of the cycle, about to be dropped
                    allocator.decommit();
                    allocator.commit();
                }
            }
        } finally {
            foreignSample.release();
            foreign.close();
        }
    }

    /** What the workers of one phase share. */
    private record Shared(MemAllocator allocator, AllocatorProperties props, MediaSample foreign,
                          List<MediaSample> dead, String where, Set<MediaSample> held,
                          AtomicReference<Throwable> failure) {

        Shared(MemAllocator allocator, AllocatorProperties props, MediaSample foreign,
               List<MediaSample> dead, String where) {
            this(allocator, props, foreign, dead, where,
                    Collections.newSetFromMap(new ConcurrentHashMap<>()), new AtomicReference<>());
        }

        void check(boolean ok, String what) {
            if (!ok) {
                throw new AssertionError(what + " [" + where + "]");
            }
        }
    }

    private void runPhase(Shared shared, SplittableRandom random, int workerCount, boolean longRun)
            throws InterruptedException {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < workerCount; i++) {
            workers.add(new Worker(i, shared, random.split(), longRun ? PHASE_OPERATIONS_PER_WORKER : -1));
        }
        workers.forEach(Thread::start);
        long phaseEnd = System.nanoTime() + PHASE_WALL_CLOCK.toNanos();
        while (workers.stream().anyMatch(Thread::isAlive)
                && (longRun || System.nanoTime() - phaseEnd < 0) && shared.failure().get() == null) {
            LockSupport.parkNanos(random.nextInt(500_000));
            if (random.nextInt(4) == 0) {
                workers.get(random.nextInt(workerCount)).interrupt();
            }
        }
        workers.forEach(Worker::finish);
        long hangDeadline = System.nanoTime() + HANG.toNanos();
        for (Worker worker : workers) {
            worker.join(Math.max(1, (hangDeadline - System.nanoTime()) / 1_000_000));
            if (worker.isAlive()) {
                AssertionError hang = new AssertionError("worker " + worker.getName()
                        + " hung in " + worker.getState() + " [" + shared.where() + "]");
                hang.setStackTrace(worker.getStackTrace());
                shared.failure().compareAndSet(null, hang);
                workers.forEach(Thread::interrupt);
            }
        }
        Throwable failure = shared.failure().get();
        if (failure != null) {
            throw new AssertionError(failure instanceof AssertionError ? failure.getMessage()
                    : failure + " [" + shared.where() + "]", failure);
        }
    }

    /** Nothing out or waiting, every buffer free, and exactly count distinct samples. */
    private void checkQuiescent(Shared shared) {
        MemAllocator allocator = shared.allocator();
        String where = " [" + shared.where() + "]";
        if (!allocator.isCommitted()) {
            assertEquals(0, allocator.freeCount(), "memory kept after the decommit completed" + where);
            allocator.commit();
        }
        assertEquals(Set.of(), shared.held(), "samples still held" + where);
        assertEquals(0, allocator.outstandingCount(), "outstanding" + where);
        assertEquals(0, allocator.waitingCount(), "waiting" + where);
        assertEquals(false, allocator.isDecommitPending(), "decommit pending" + where);
        assertEquals(shared.props().cBuffers(), allocator.freeCount(), "free" + where);
        List<MediaSample> all = drain(shared);
        assertEquals(shared.props().cBuffers(), all.size(), "drained" + where);
    }

    /** Takes every free sample with NOWAIT, checks they are distinct, and releases them. */
    private static List<MediaSample> drain(Shared shared) {
        Set<MediaSample> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        List<MediaSample> taken = new ArrayList<>();
        while (true) {
            try {
                MediaSample sample = shared.allocator().getBuffer(MemAllocator.AM_GBF_NOWAIT);
                shared.check(distinct.add(sample), "sample handed out twice while drained");
                taken.add(sample);
            } catch (MemAllocatorException e) {
                shared.check(e.hresult() == HResult.VFW_E_TIMEOUT, "drain ended with " + e);
                break;
            } catch (InterruptedException e) {
                throw new AssertionError("NOWAIT get threw InterruptedException", e);
            }
        }
        taken.forEach(MediaSample::release);
        return taken;
    }

    /** One worker: random operations until told to finish, then everything it holds goes back. */
    private final class Worker extends Thread {
        private final Shared shared;
        private final SplittableRandom random;
        private final int operationLimit;
        private final Map<MediaSample, Integer> refs = new IdentityHashMap<>();
        private final Map<MediaSample, Long> stamps = new IdentityHashMap<>();
        private final long id;
        private long nextStamp;
        private volatile boolean finishing;

        Worker(int index, Shared shared, SplittableRandom random, int operationLimit) {
            super("soak-worker-" + index);
            this.id = index;
            this.shared = shared;
            this.random = random;
            this.operationLimit = operationLimit;
            setDaemon(true);
        }

        void finish() {
            finishing = true;
        }

        @Override
        public void run() {
            try {
                for (int done = 0; !finishing && done != operationLimit
                        && shared.failure().get() == null; done++) {
                    operate();
                    operations.incrementAndGet();
                }
                while (!refs.isEmpty()) {
                    releaseOne(refs.keySet().iterator().next());
                }
            } catch (Throwable t) {
                shared.failure().compareAndSet(null, t);
            }
            Thread.interrupted();
        }

        private void operate() {
            int dice = random.nextInt(100);
            if (dice < 30) {
                if (refs.size() < MAX_HELD_PER_WORKER) {
                    get();
                } else {
                    releaseOne(anyHeld());
                }
            } else if (dice < 50) {
                if (!refs.isEmpty()) {
                    releaseOne(anyHeld());
                }
            } else if (dice < 58) {
                if (!refs.isEmpty()) {
                    MediaSample sample = anyHeld();
                    int now = refs.merge(sample, 1, Integer::sum);
                    shared.check(sample.addRef() == now, "AddRef count");
                }
            } else if (dice < 70) {
                refs.keySet().forEach(this::verifyStamp);
            } else if (dice < 78) {
                misuse();
            } else if (dice < 81) {
                shared.allocator().decommit();
            } else if (dice < 88) {
                shared.allocator().commit();
            } else if (dice < 90) {
                setSameProperties();
            } else if (!refs.isEmpty()) {
                MediaSample sample = anyHeld();
                sample.setActualDataLength(random.nextInt(SIZE + 1));
                sample.setSyncPoint(random.nextBoolean());
                sample.setTime((long) random.nextInt(1000), null);
            }
        }

        private MediaSample anyHeld() {
            int skip = random.nextInt(refs.size());
            return refs.keySet().stream().skip(skip).findFirst().orElseThrow();
        }

        /** A blocking (only with empty hands, so that the pool cannot deadlock), NOWAIT or timed get. */
        private void get() {
            int mode = refs.isEmpty() ? random.nextInt(3) : 1 + random.nextInt(2);
            MediaSample sample;
            try {
                sample = switch (mode) {
                    case 0 -> shared.allocator().getBuffer(0);
                    case 1 -> shared.allocator().getBuffer(MemAllocator.AM_GBF_NOWAIT);
                    default -> shared.allocator().getBuffer(0,
                            Duration.ofNanos(random.nextInt(2_000_000)));
                };
            } catch (InterruptedException e) {
                return; // (whether the status was cleared is for the unit tests: here the test
                        // thread may interrupt again at any moment)
            } catch (MemAllocatorException e) {
                HResult hr = e.hresult();
                shared.check(hr == HResult.VFW_E_NOT_COMMITTED
                        || hr == HResult.VFW_E_TIMEOUT && mode != 0, "getBuffer mode " + mode + ": " + hr);
                return;
            }
            Thread.interrupted(); // a free buffer is handed out even when interrupted
            shared.check(shared.held().add(sample), "sample handed to two holders at once: " + sample);
            refs.put(sample, 1);
            long stamp = id << 40 | nextStamp++;
            sample.pointer().putLong(0, stamp);
            stamps.put(sample, stamp);
        }

        private void verifyStamp(MediaSample sample) {
            shared.check(sample.pointer().getLong(0) == stamps.get(sample),
                    "buffer written by another holder: " + sample);
        }

        private void releaseOne(MediaSample sample) {
            int left = refs.get(sample) - 1;
            if (left == 0) {
                verifyStamp(sample);
                refs.remove(sample);
                stamps.remove(sample);
                shared.held().remove(sample);
            } else {
                refs.put(sample, left);
            }
            shared.check(sample.release() == left, "Release count");
        }

        /** Misuse that is safe to try concurrently; each must be refused with nothing changed. */
        private void misuse() {
            switch (random.nextInt(4)) {
                case 0 -> expectHResult(HResult.E_POINTER, () -> shared.allocator().releaseBuffer(null));
                case 1 -> expectHResult(HResult.E_INVALIDARG,
                        () -> shared.allocator().releaseBuffer(shared.foreign()));
                case 2 -> {
                    if (!refs.isEmpty()) {
                        MediaSample sample = anyHeld();
                        expectHResult(HResult.E_INVALIDARG, () -> shared.allocator().releaseBuffer(sample));
                    }
                }
                default -> {
                    MediaSample stale;
                    synchronized (shared.dead()) {
                        if (shared.dead().isEmpty()) {
                            return;
                        }
                        stale = shared.dead().get(random.nextInt(shared.dead().size()));
                    }
                    expectIllegalState(random.nextBoolean() ? stale::release : stale::addRef);
                }
            }
        }

        private void setSameProperties() {
            try {
                shared.check(shared.allocator().setProperties(shared.props()).equals(shared.props().rounded()),
                        "SetProperties result");
            } catch (MemAllocatorException e) {
                shared.check(e.hresult() == HResult.VFW_E_ALREADY_COMMITTED
                        || e.hresult() == HResult.VFW_E_BUFFERS_OUTSTANDING, "SetProperties: " + e);
            }
        }

        private void expectHResult(HResult expected, Runnable misuse) {
            try {
                misuse.run();
            } catch (MemAllocatorException e) {
                shared.check(e.hresult() == expected, "misuse gave " + e + ", expected " + expected);
                return;
            }
            shared.check(false, "misuse accepted, expected " + expected);
        }

        private void expectIllegalState(Runnable misuse) {
            try {
                misuse.run();
            } catch (IllegalStateException expected) {
                return;
            }
            shared.check(false, "use of a dead sample accepted");
        }
    }
}
