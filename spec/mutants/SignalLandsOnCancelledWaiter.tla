---------------------- MODULE SignalLandsOnCancelledWaiter ----------------------
(***************************************************************************)
(* Mutant: a signal can be spent on a waiter that has already left its     *)
(* wait (interrupted or timed out) and will not take the buffer.           *)
(*                                                                         *)
(* Not a one-line Java change but a different wait primitive: a counting   *)
(* semaphore or a hand-rolled waiter list that keeps a cancelled waiter's  *)
(* entry and does not pass a signal on, as AQS does when the first waiter  *)
(* has cancelled.  MonitorMemAllocator signals ONE waiter per released     *)
(* buffer (Microsoft broadcasts); this mutant shows that the choice is     *)
(* safe only because of that AQS rule.                                     *)
(*                                                                         *)
(*   Signal:  the head of waitQueue (cancelled waiters have left it)       *)
(*   mutant:  the head, or a blocked thread that has left the queue        *)
(*            (interrupted, timed out or woken): the signal is spent on it *)
(*                                                                         *)
(* Expected: Invariant NoLostWakeup.                                       *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

SignalLandsOnCancelledWaiter ==
    \/ Signal
    \/ \E w \in Blocked \ Parked : UNCHANGED <<waitQueue, awaitExit>>
=============================================================================
