------------------------ MODULE SignalOnlyWhenFreeListWasEmpty ------------------------
(***************************************************************************)
(* Mutant: the final release signals only when the free list was empty    *)
(* before its push (the "signal on the empty-to-non-empty edge" shortcut). *)
(*                                                                         *)
(*   returnBuffer(s):                                                      *)
(*   +     boolean wasEmpty = freeCount == 0;                              *)
(*         freeList[freeCount++] = s;                                      *)
(*   -     if (waiters > 0) {                                              *)
(*   +     if (waiters > 0 && wasEmpty) {                                  *)
(*             bufferFreeOrNotCommitted.signal();                          *)
(*                                                                         *)
(* Two waiters, two buffers coming back one after the other before the    *)
(* first woken waiter runs: the second release does not signal, so one     *)
(* waiter sleeps beside a free buffer.  Open world: Invariant NoLostWakeup *)
(* (and the full list in the manifest); closed world                       *)
(* (SignalOnlyWhenFreeListWasEmptyClosedWorld.cfg): a deadlock once the    *)
(* other thread stops.                                                     *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

SignalOnlyWhenFreeListWasEmpty ==
    IF freeList = << >> THEN Signal ELSE UNCHANGED <<waitQueue, awaitExit>>
=============================================================================
