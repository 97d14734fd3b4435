--------------------------- MODULE IfInsteadOfWhile ---------------------------
(***************************************************************************)
(* Mutant: awaitBuffer waits once ("if") instead of in a loop ("while").   *)
(*                                                                         *)
(*   awaitBuffer():                                                        *)
(*   -     while (committed && freeCount == 0 && (!timed || ...)) {        *)
(*   +     if (committed && freeCount == 0 && (!timed || ...)) {           *)
(*             ... await ...                                               *)
(*         }                                                               *)
(*                                                                         *)
(* A woken waiter no longer re-checks: if a thread calling in took the     *)
(* buffer first (or the wake-up was spurious), it finds nothing free after *)
(* the loop and returns VFW_E_TIMEOUT, even from an untimed getBuffer.     *)
(* The contract lets only a timed wait time out (WaitTimedOut needs        *)
(* timed[t]), so that step is no contract step: the refinement check       *)
(* reports it, and the monitor's own UntimedWaitsNeverTimeOut would too.  *)
(* Expected: Action property RefinesMemAllocator.                          *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

IfInsteadOfWhile == FALSE
=============================================================================
