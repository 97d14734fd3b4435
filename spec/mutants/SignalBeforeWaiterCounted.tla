-------------------------- MODULE SignalBeforeWaiterCounted --------------------------
(***************************************************************************)
(* Mutant: a waiter raises the waiter count only after its wait, so a      *)
(* release while it is parked sees waiters == 0 and sends no signal (the   *)
(* signal comes before the count is raised).                               *)
(*                                                                         *)
(*   awaitBuffer():                                                        *)
(*   -     waiters++;                                                      *)
(*         try {                                                           *)
(*             while (...) { ... await ... }                               *)
(*   +         waiters++;                                                  *)
(*             ...                                                         *)
(*         } finally { waiters--; }                                        *)
(*                                                                         *)
(* The count is then 0 whenever a thread is parked (what it adds from the  *)
(* first await() to its return is 0: WaiterCountRaise).  Open world:       *)
(* Invariant WaiterCountExact first (the full list in the manifest);       *)
(* closed world (SignalBeforeWaiterCountedClosedWorld.cfg): a deadlock.    *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

CountedOnlyAfterTheWait == 0
=============================================================================
