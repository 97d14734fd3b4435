-------------------------- MODULE SignalNewestWaiter --------------------------
(***************************************************************************)
(* Mutant: signal() wakes the NEWEST waiter (the tail of the wait queue),  *)
(* not the longest one (the head), as a hand-rolled waiter stack would.    *)
(*                                                                         *)
(* Not a one-line change to MonitorMemAllocator but to the wait primitive: *)
(* AQS's ConditionObject.doSignal takes firstWaiter; this one takes the    *)
(* last.                                                                   *)
(*                                                                         *)
(*   Signal:  Wake({Head(waitQueue)})                                      *)
(*   mutant:  Wake({waitQueue[Len(waitQueue)]})                            *)
(*                                                                         *)
(* No safety property notices: a signal still reaches a parked waiter,     *)
(* and every invariant and the refinement hold.  The longest waiter can    *)
(* now be passed over for ever: t1 parks; t2 takes the buffer, calls again *)
(* and parks behind t1; the release wakes t2, which takes the buffer; and  *)
(* again.  Expected: Temporal properties, NoWaiterParkedForever under      *)
(* WeakFairSpec (SignalNewestWaiter.cfg), and                             *)
(* WaitersReturnUnlessSelfWokenForEver under FairSpec                      *)
(* (SignalNewestWaiterFair.cfg), which assumes nothing about which waiter  *)
(* a signal wakes.                                                         *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

SignalNewestWaiter ==
    IF waitQueue = << >> THEN UNCHANGED <<waitQueue, awaitExit>>
    ELSE Wake({waitQueue[Len(waitQueue)]})
=============================================================================
