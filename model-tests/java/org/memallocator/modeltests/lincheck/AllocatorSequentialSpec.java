package org.memallocator.modeltests.lincheck;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The sequential specification of {@link AllocatorLinearizabilityTest}: the operations of
 * {@code spec/MemAllocator.tla} on plain values, with the choices the spec leaves open fixed as
 * {@link org.memallocator.MonitorMemAllocator} documents them (LIFO free list with buffer 1 on top
 * after Commit; memory dropped when the decommit completes; buffer numbers 1..cBuffers per
 * commit cycle). Same operation names, parameters and result values as the test class; Lincheck
 * runs it one call at a time.
 */
public class AllocatorSequentialSpec {

    private static final int MAX_TID = 5;

    private int propsCount;
    private boolean committed;
    private boolean decommitPending;
    /** Buffers of this commit cycle (memory): 1..allocated, 0 without memory. */
    private int allocated;
    /** The free list, top first. */
    private final Deque<Integer> free = new ArrayDeque<>();
    /** refs[b]: sample b's reference count (index 0 unused). */
    private final int[] refs = new int[3];
    /** Per Lincheck thread: the buffers it holds, each with the references it holds. */
    @SuppressWarnings("unchecked")
    private final List<int[]>[] held = new List[MAX_TID];

    public AllocatorSequentialSpec() {
        for (int i = 0; i < MAX_TID; i++) {
            held[i] = new ArrayList<>();
        }
        setProperties(2);
        commit();
    }

    private int outstanding() {
        int n = 0;
        for (int b = 1; b <= allocated; b++) {
            n += refs[b] > 0 ? 1 : 0;
        }
        return n;
    }

    private void dropMemory() {
        allocated = 0;
        free.clear();
        decommitPending = false;
    }

    public String setProperties(int count) {
        if (committed) {
            return "VFW_E_ALREADY_COMMITTED";
        }
        if (outstanding() > 0) {
            return "VFW_E_BUFFERS_OUTSTANDING";
        }
        propsCount = count;
        return "S_OK " + count;
    }

    public int getProperties() {
        return propsCount;
    }

    public String commit() {
        if (decommitPending) {
            decommitPending = false;
            committed = true;
        } else if (!committed) {
            if (propsCount <= 0) {
                return "VFW_E_SIZENOTSET";
            }
            allocated = propsCount;
            free.clear();
            for (int b = 1; b <= allocated; b++) {
                free.addLast(b); // buffer 1 on top
                refs[b] = 0;
            }
            committed = true;
        }
        return "S_OK";
    }

    public String decommit() {
        if (committed) {
            committed = false;
            if (outstanding() > 0) {
                decommitPending = true;
            } else {
                dropMemory();
            }
        }
        return "S_OK";
    }

    public String getBuffer(int tid) {
        if (!committed) {
            return "VFW_E_NOT_COMMITTED";
        }
        if (free.isEmpty()) {
            return "VFW_E_TIMEOUT";
        }
        int b = free.removeFirst();
        refs[b] = 1;
        held[tid].add(new int[] {b, 1});
        return "buffer " + b;
    }

    public String addRef(int tid, int k) {
        if (k >= held[tid].size()) {
            return "none";
        }
        int[] h = held[tid].get(k);
        h[1]++;
        return String.valueOf(++refs[h[0]]);
    }

    public String release(int tid, int k) {
        if (k >= held[tid].size()) {
            return "none";
        }
        int[] h = held[tid].get(k);
        int b = h[0];
        int left = --refs[b];
        if (--h[1] == 0) {
            held[tid].remove(k);
        }
        if (left == 0) {
            free.addFirst(b);
            if (decommitPending && outstanding() == 0) {
                dropMemory();
            }
        }
        return String.valueOf(left);
    }

    public String releaseBuffer(int tid, int k) {
        return k >= held[tid].size() ? "none" : "E_INVALIDARG";
    }

    public int freeCount() {
        return free.size();
    }

    public int outstandingCount() {
        return outstanding();
    }

    public boolean isCommitted() {
        return committed;
    }

    public boolean isDecommitPending() {
        return decommitPending;
    }
}
