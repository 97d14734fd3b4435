------------------------- MODULE SignalOneOnDecommit -------------------------
(***************************************************************************)
(* Mutant: decommit wakes one waiter instead of all of them.               *)
(*                                                                         *)
(*   decommitEffect():                                                     *)
(*   -     bufferFreeOrNotCommitted.signalAll();                           *)
(*   +     bufferFreeOrNotCommitted.signal();                              *)
(*                                                                         *)
(* With two threads blocked and a third decommitting, one waiter stays     *)
(* parked while the allocator is not committed; nothing will ever signal   *)
(* it (no buffer can come back to a decommitted allocator's free list and  *)
(* wake it, and a later Commit does not signal).                           *)
(* Expected: Invariant NoWaiterSleepsWhileDecommitted (three threads).     *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

SignalOneOnDecommit == Signal
=============================================================================
