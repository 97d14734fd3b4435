---------------------- MODULE SignalLandsOnCancelledWaiter ----------------------
(***************************************************************************)
(* Mutant: a signal can be spent on a waiter that has already left its     *)
(* wait (interrupted or timed out) and will not take the buffer.           *)
(*                                                                         *)
(* Not a one-line Java change but a different wait primitive: a counting   *)
(* semaphore or a hand-rolled waiter list that does not pass a signal on,  *)
(* as AQS does when the first waiter has cancelled.  MonitorMemAllocator   *)
(* signals ONE waiter per released buffer (Microsoft broadcasts); this     *)
(* mutant shows that the choice is safe only because of that AQS rule.     *)
(*                                                                         *)
(*   Signal:  \E w \in waitSet                                             *)
(*   mutant:  \E w \in Blocked   (a blocked thread, parked or not)         *)
(*                                                                         *)
(* Expected: Invariant NoLostWakeup.                                       *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

SignalLandsOnCancelledWaiter ==
    \E w \in Blocked : Wake({w} \cap waitSet)
=============================================================================
