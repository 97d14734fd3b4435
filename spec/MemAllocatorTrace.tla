-------------------------- MODULE MemAllocatorTrace --------------------------
(***************************************************************************)
(* Trace validation of the implementation against MemAllocator.tla.       *)
(*                                                                         *)
(* A run of the implementation reports each spec step under the           *)
(* allocator's lock, in the order the steps took effect (SpecTrace).  The *)
(* test turns such a run into the generated module TraceData:             *)
(*   Trace            a sequence of events, one record per step:          *)
(*                      [action |-> "GetBufferOk", t |-> "t1", b |-> 2,   *)
(*                       hr |-> "S_OK", refs |-> 0, c |-> 0,              *)
(*                       lay |-> "valid", align |-> TRUE, mode |-> "wait"] *)
(*                    action: the spec action; t: the calling thread;     *)
(*                    b: the buffer (sample steps and successful gets,    *)
(*                    else 0); hr: what the call returned, "NONE" for     *)
(*                    GetBufferBlocks and "INTERRUPTED" for               *)
(*                    WaitInterrupted; refs: the sample's new count       *)
(*                    (AddRef, Release); c, lay, align: SetProperties'    *)
(*                    request abstracted as the spec's arguments; mode:   *)
(*                    how a GetBuffer was called ("wait", "nowait",       *)
(*                    "timed"), else "none".  Refused calls are events    *)
(*                    too: they are steps of the spec.                    *)
(*   TraceThreads, TraceMaxBuffers, TraceMaxRefs: the constants, large    *)
(*                    enough for the run.                                 *)
(*                                                                         *)
(* A cursor l walks the trace; each step of TraceNext is the spec action   *)
(* the event names, with the event's parameters, and the result the event *)
(* logged must be the result the spec gives the thread.  The event's mode *)
(* fixes what the spec leaves to the call: a blocked call is timed (the   *)
(* spec's timed[t]) exactly when it was made with a deadline, so only it  *)
(* may time out (WaitTimedOut): an untimed getBuffer that returns          *)
(* VFW_E_TIMEOUT is a rejected trace.  And only a call with AM_GBF_NOWAIT *)
(* or a deadline may fail with VFW_E_TIMEOUT at once (GetBufferTimeout),  *)
(* only a waiting call may block.                                         *)
(*                                                                         *)
(* Verdict (MemAllocatorTrace.cfg): NotDone is an inverted invariant.     *)
(* TLC reports it violated (exit 12) when some behaviour consumed the     *)
(* whole trace: accepted.  TLC completing without error (exit 0) means no *)
(* behaviour matches: rejected, and the depth of the search is the        *)
(* position of the first event no step matches.  A malformed event (an    *)
(* unknown action, thread or result, a missing field) fails the Assert    *)
(* below with its position.                                                *)
(***************************************************************************)
EXTENDS Naturals, Sequences, TLC, TraceData

VARIABLES
    props, committed, decommitPending, buffers, freeList, refs, pc, timed, result,
    clientRef, selfRef,
    l          \* the cursor: Trace[l] is the next event to match

M == INSTANCE MemAllocator WITH Threads <- TraceThreads, MaxBuffers <- TraceMaxBuffers,
                                MaxRefs <- TraceMaxRefs

ThreadActions == {"SetProperties", "Commit", "Decommit", "Close", "GetBufferOk",
                  "GetBufferNotCommitted", "GetBufferTimeout", "GetBufferBlocks",
                  "WakeWithSample", "WakeNotCommitted", "WaitTimedOut", "WaitInterrupted"}
SampleActions == {"AddRef", "Release"}
Modes == {"none", "wait", "nowait", "timed"}
Fields == {"action", "t", "b", "hr", "refs", "c", "lay", "align", "mode"}

(* An event the matching below can read: the right fields, of the right  *)
(* kinds; a thread step names a thread of the run, a sample step or a    *)
(* successful get a buffer.                                              *)
WellFormed(e) ==
    /\ DOMAIN e = Fields
    /\ e.action \in ThreadActions \cup SampleActions
    /\ e.action \in ThreadActions => e.t \in TraceThreads
    /\ e.action \in SampleActions \cup {"GetBufferOk", "WakeWithSample"} => e.b \in 1..TraceMaxBuffers
    /\ e.hr \in M!Results
    /\ e.refs \in Nat
    /\ e.mode \in Modes
    /\ e.action = "SetProperties" => e.c \in 0..TraceMaxBuffers /\ e.lay \in M!Layouts /\ e.align \in BOOLEAN

(* The thread's call returned what the event logged. *)
Returns(e) == result'[e.t] = e.hr

(* The buffer a get handed out is the one the event names. *)
Takes(e) == e.b \in freeList /\ freeList' = freeList \ {e.b}

Match(e) ==
    \/ e.action = "SetProperties" /\ M!SetProperties(e.t, e.c, e.lay, e.align) /\ Returns(e)
    \/ e.action = "Commit" /\ M!Commit(e.t) /\ Returns(e)
    \/ e.action = "Decommit" /\ M!Decommit(e.t) /\ Returns(e)
    \/ e.action = "Close" /\ M!Close(e.t) /\ Returns(e)
    \/ e.action = "GetBufferOk" /\ M!GetBufferOk(e.t) /\ Takes(e) /\ Returns(e)
    \/ e.action = "GetBufferNotCommitted" /\ M!GetBufferNotCommitted(e.t) /\ Returns(e)
    \/ e.action = "GetBufferTimeout" /\ e.mode \in {"nowait", "timed"}
                                     /\ M!GetBufferTimeout(e.t) /\ Returns(e)
    \/ e.action = "GetBufferBlocks" /\ e.mode \in {"wait", "timed"}
                                    /\ M!GetBufferBlocks(e.t) /\ timed'[e.t] = (e.mode = "timed")
                                    /\ Returns(e)
    \/ e.action = "WakeWithSample" /\ M!WakeWithSample(e.t) /\ Takes(e) /\ Returns(e)
    \/ e.action = "WakeNotCommitted" /\ M!WakeNotCommitted(e.t) /\ Returns(e)
    \/ e.action = "WaitTimedOut" /\ M!WaitTimedOut(e.t) /\ Returns(e)
    \/ e.action = "WaitInterrupted" /\ M!WaitInterrupted(e.t) /\ Returns(e)
    \/ e.action = "AddRef" /\ M!AddRef(e.b) /\ refs'[e.b] = e.refs /\ e.hr = "S_OK"
    \/ e.action = "Release" /\ M!Release(e.b) /\ refs'[e.b] = e.refs /\ e.hr = "S_OK"

TraceInit ==
    /\ M!Init
    /\ l = 1

TraceNext ==
    /\ l <= Len(Trace)
    /\ Assert(WellFormed(Trace[l]), <<"malformed trace event", l, Trace[l]>>)
    /\ Match(Trace[l])
    /\ l' = l + 1

(* Inverted invariant: violated exactly when the whole trace was matched. *)
NotDone == l <= Len(Trace)
=============================================================================
