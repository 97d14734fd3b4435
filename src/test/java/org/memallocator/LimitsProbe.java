package org.memallocator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one scenario of {@link ForkedLimitsTest} in a JVM started with its own limits; prints what
 * went wrong and exits 1, or exits 0.
 */
public final class LimitsProbe {

    private LimitsProbe() {
    }

    public static void main(String[] args) throws Exception {
        String problem = switch (args[0]) {
            case "cycles" -> cycles(Integer.parseInt(args[1]));
            case "heap" -> heapExhausted();
            case "slow-commit" -> slowCommitBlocksNobody();
            case "race-set-properties" -> raceWithSetProperties(false);
            case "race-commit" -> raceWithSetProperties(true);
            default -> "unknown scenario " + args[0];
        };
        if (problem != null) {
            System.out.println(problem);
            System.exit(1);
        }
    }

    /** {@code rounds} commit cycles of 8 x 1 MiB: take every buffer, give it back, decommit. */
    private static String cycles(int rounds) throws InterruptedException {
        MonitorMemAllocator allocator = new MonitorMemAllocator();
        allocator.setProperties(new AllocatorProperties(8, 1 << 20, 1, 0));
        for (int round = 0; round < rounds; round++) {
            try {
                allocator.commit();
            } catch (MemAllocatorException e) {
                return "cycle " + round + ": " + e.getMessage() + " " + e.hresult();
            }
            List<MediaSample> out = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                out.add(allocator.getBuffer(0));
            }
            out.forEach(MediaSample::release);
            allocator.decommit();
        }
        return null;
    }

    /**
     * The heap is all but full when commit makes 300,000 samples: E_OUTOFMEMORY, and the
     * allocator is as before (it used to escape as OutOfMemoryError with the buffers assigned,
     * every later setProperties refused).
     */
    private static String heapExhausted() {
        MonitorMemAllocator allocator = new MonitorMemAllocator();
        allocator.setProperties(new AllocatorProperties(300_000, 16, 1, 0));
        List<byte[]> ballast = new ArrayList<>();
        Throwable thrown = null;
        try {
            while (true) {
                ballast.add(new byte[1 << 20]);
            }
        } catch (OutOfMemoryError full) {
            ballast.subList(0, Math.min(4, ballast.size())).clear(); // about 4 MiB free
        }
        try {
            allocator.commit();
        } catch (Throwable t) {
            thrown = t;
        }
        ballast.clear();
        if (!(thrown instanceof MemAllocatorException e) || e.hresult() != HResult.E_OUTOFMEMORY) {
            return "commit with the heap full: expected E_OUTOFMEMORY, got " + thrown;
        }
        if (allocator.isCommitted() || allocator.outstandingCount() != 0 || allocator.freeCount() != 0) {
            return "a failed commit changed the state: committed " + allocator.isCommitted()
                    + ", outstanding " + allocator.outstandingCount() + ", free " + allocator.freeCount();
        }
        allocator.setProperties(new AllocatorProperties(2, 64, 1, 0));
        allocator.commit();
        return allocator.freeCount() == 2 ? null : "not usable after the failed commit";
    }

    /**
     * A commit whose direct allocation fails spends about half a second in the JDK's retries; run
     * with a direct-memory cap below the block. Another thread's freeCount() must not wait for it.
     */
    private static String slowCommitBlocksNobody() throws InterruptedException {
        MonitorMemAllocator allocator = new MonitorMemAllocator();
        allocator.setProperties(new AllocatorProperties(32, 1 << 20, 1, 0));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread committer = commitUntilInDirectAllocation(allocator, thrown);
        if (committer == null) {
            return "never saw the commit in its direct allocation (" + thrown.get() + ")";
        }
        int free = allocator.freeCount();
        boolean stillAllocating = inDirectAllocation(committer);
        committer.join(10_000);
        if (!stillAllocating) {
            return "freeCount() (" + free + ") waited for the commit's allocation to end";
        }
        Throwable t = thrown.get();
        return t instanceof MemAllocatorException e && e.hresult() == HResult.E_OUTOFMEMORY ? null
                : "the commit over the direct-memory cap gave " + t;
    }

    /**
     * Starts {@code allocator.commit()} on a thread named "committer" (what it throws goes to
     * {@code thrown}) and returns that thread once it is seen inside the JDK's direct allocation;
     * null if it ends, or is not seen there within 10 s.
     */
    private static Thread commitUntilInDirectAllocation(MonitorMemAllocator allocator,
                                                        AtomicReference<Throwable> thrown) {
        Thread committer = new Thread(() -> {
            try {
                allocator.commit();
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "committer");
        committer.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!inDirectAllocation(committer)) {
            if (System.nanoTime() > deadline || !committer.isAlive()) {
                return null;
            }
            Thread.onSpinWait();
        }
        return committer;
    }

    /**
     * While a commit of 32 MiB is in its failing direct allocation (run with a 16 MiB cap), another
     * thread sets other properties (2 x 64 bytes), and with {@code alsoCommit} commits them. The
     * slow commit has not taken effect, so the new properties are accepted; then its step happens
     * with the state as it is: it lays out the new properties itself (S_OK, 2 free), or finds the
     * allocator committed by the other thread (S_OK, nothing more allocated). Either way one
     * Commit step of each call, and the allocator's memory is laid out for the properties in force.
     */
    private static String raceWithSetProperties(boolean alsoCommit) throws InterruptedException {
        MonitorMemAllocator allocator = new MonitorMemAllocator();
        List<SpecEvent> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
        allocator.setSpecTrace(steps::add);
        allocator.setProperties(new AllocatorProperties(32, 1 << 20, 1, 0));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread committer = commitUntilInDirectAllocation(allocator, thrown);
        if (committer == null) {
            return "never saw the commit in its direct allocation (" + thrown.get() + ")";
        }
        try {
            allocator.setProperties(new AllocatorProperties(2, 64, 1, 0));
            if (alsoCommit) {
                allocator.commit();
            }
        } catch (MemAllocatorException e) {
            return "the other thread was refused while the slow commit had not taken effect: " + e.getMessage();
        }
        committer.join(10_000);
        if (committer.isAlive() || thrown.get() != null) {
            return "the slow commit did not end with S_OK: " + thrown.get();
        }
        long commits = steps.stream().filter(e -> e.action() == SpecAction.Commit).count();
        if (commits != (alsoCommit ? 2 : 1) || steps.stream().anyMatch(e -> e.result() != HResult.S_OK)) {
            return "expected one S_OK Commit step per commit call, got " + steps;
        }
        if (!allocator.isCommitted() || allocator.freeCount() != 2) {
            return "the memory is not laid out for the properties in force: free " + allocator.freeCount();
        }
        try {
            MediaSample sample = allocator.getBuffer(0);
            int size = sample.size();
            sample.release();
            return size == 64 ? null : "a sample of " + size + " bytes, not 64";
        } catch (MemAllocatorException e) {
            return e.getMessage();
        }
    }

    private static boolean inDirectAllocation(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals("java.nio.Bits") && frame.getMethodName().equals("reserveMemory")) {
                return true;
            }
        }
        return false;
    }
}
