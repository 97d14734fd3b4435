--------------------------- MODULE NoSignalOnRelease ---------------------------
(***************************************************************************)
(* Mutant: the final release does not wake a waiter.                       *)
(*                                                                         *)
(*   returnBuffer(s):                                                      *)
(*         freeList[freeCount++] = s;                                      *)
(*   -     if (waiters > 0) {                                              *)
(*   -         bufferFreeOrNotCommitted.signal();                          *)
(*   -     }                                                               *)
(*                                                                         *)
(* A blocked getBuffer sleeps beside a free buffer: the lost wake-up.      *)
(* Expected: Invariant NoLostWakeup.                                       *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

NoSignalOnRelease == UNCHANGED <<waitQueue, awaitExit>>
=============================================================================
