----------------------- MODULE InterruptLeaksWaiterCount -----------------------
(***************************************************************************)
(* Mutant: the waiter count is not undone when await() throws.             *)
(*                                                                         *)
(*   awaitBuffer():                                                        *)
(*         } catch (InterruptedException e) {                              *)
(*   -         waiters--;                                                  *)
(*             step(SpecAction.WaitInterrupted, ...);                      *)
(*             throw e;                                                    *)
(*         }                                                               *)
(*                                                                         *)
(* Expected: Invariant WaiterCountExact.  (Harmless to the wake-ups here,  *)
(* which only test waiters > 0, but every later signal and signalAll is    *)
(* then issued with nobody to wake, and waitingCount() lies.)              *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

(* AwaitThrows(t) with ExitAwaitBuffer(t) spelt out and its                *)
(* waiters' = waiters - 1 left out.                                        *)
InterruptLeaksWaiterCount(t) ==
    /\ pc' = [pc EXCEPT ![t] = "idle"]
    /\ awaitExit' = [awaitExit EXCEPT ![t] = "none"]
    /\ timed' = [timed EXCEPT ![t] = FALSE]
    /\ UNCHANGED waiters
    /\ Return(t, "INTERRUPTED")
    /\ UNCHANGED <<freeList, refs, waitQueue, interrupted>>
=============================================================================
