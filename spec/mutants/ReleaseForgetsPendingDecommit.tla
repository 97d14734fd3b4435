--------------------- MODULE ReleaseForgetsPendingDecommit ---------------------
(***************************************************************************)
(* Mutant: the final release of the last outstanding sample does not       *)
(* complete a pending decommit.                                            *)
(*                                                                         *)
(*   returnBuffer(s):                                                      *)
(*   -     if (decommitPending && freeCount == buffers.length) {           *)
(*   -         dropMemory();                                               *)
(*   -     }                                                               *)
(*                                                                         *)
(* The memory and the self-reference are kept for ever; the allocator can  *)
(* then never be destroyed after close().                                  *)
(* Expected: Invariant DecommitPendingOnlyWhileSamplesOut.                         *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

ReleaseForgetsPendingDecommit(b) == FALSE
=============================================================================
