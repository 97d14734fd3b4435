----------------------- MODULE MemAllocatorMonitorGen -----------------------
(***************************************************************************)
(* The test-generation model of the monitor: MonitorGraphTest runs TLC on  *)
(* it with -dump dot,actionlabels and replays paths covering every state   *)
(* and every transition of its graph against MonitorMemAllocator, with the *)
(* monitor-level state (wait queue, woken waiters, waiter count, free      *)
(* list) compared after every step.                                       *)
(*                                                                         *)
(* MemAllocatorMonitor's Spec in its closed world (the configuration's     *)
(* ClosedWorld <- ClosedWorldModel), with two cuts that keep the graph     *)
(* small enough to run in CI:                                              *)
(*  - no Quit: an idle thread that stops calling is no step of the Java;   *)
(*  - only accepted SetProperties with a valid layout (SetPropertiesOk):   *)
(*    refusals and unusable layouts change only props and result, and the  *)
(*    contract's graph (GeneratedFromStateGraphTest) covers them.          *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

SetPropertiesOk(t) ==
    /\ SetProperties(t)
    /\ result'[t] = "S_OK"
    /\ props'.layout = "valid"
    /\ props'.count \in 1..MaxBuffers

GenNext ==
    \/ \E t \in Threads :
          \/ SetPropertiesOk(t)
          \/ Commit(t)
          \/ Decommit(t)
          \/ Close(t)
          \/ GetBuffer(t)
          \/ AwaitReturns(t)
          \/ WakesByItself(t)
          \/ Interrupt(t)
    \/ \E b \in Buffers : AddRef(b) \/ Release(b)
    \/ Terminating

GenSpec == Init /\ [][GenNext]_vars
=============================================================================
