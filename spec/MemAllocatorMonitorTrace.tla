----------------------- MODULE MemAllocatorMonitorTrace -----------------------
(***************************************************************************)
(* Trace validation of MonitorMemAllocator.java against the monitor spec   *)
(* MemAllocatorMonitor.tla: what the contract's trace validation           *)
(* (MemAllocatorTrace.tla) cannot see.  Which waiter a signal wakes, a     *)
(* release with waiters that signals nobody, a decommit that wakes one     *)
(* waiter instead of all, a woken waiter that waits again with a buffer    *)
(* free: none of them changes the contract's state, all of them change the *)
(* condition's wait queue.                                                 *)
(*                                                                         *)
(* The run reports, under the allocator's lock and in lock order, its      *)
(* contract steps and its condition steps (MonitorTrace), each with the    *)
(* condition's wait queue as the JDK lists it.  The generated module       *)
(* TraceData holds them:                                                   *)
(*   Trace    one record per event: the fields of MemAllocatorTrace.tla's  *)
(*            events (action, t, b, hr, refs, c, lay, align, mode) and q,  *)
(*            the threads waiting on the condition, longest waiter first.  *)
(*            action is a contract action or one of the condition steps:   *)
(*              Await         t is about to wait (every trip round the    *)
(*                            wait loop, the first one included);          *)
(*              Signal        a final release called signal();            *)
(*              SignalAll     a decommit or close called signalAll();      *)
(*              AwaitReturns  t's wait ended normally, t has the lock;     *)
(*              AwaitThrows   t's wait ended by an interrupt, t has the    *)
(*                            lock.                                        *)
(*            q is read after the step, except that Await and              *)
(*            GetBufferBlocks are reported just before t joins the queue.  *)
(*   TraceThreads, TraceMaxBuffers, TraceMaxRefs: the constants.           *)
(*                                                                         *)
(* One locked region of the Java is one step of the monitor spec and may   *)
(* report several events: Signal then Release; SignalAll then Decommit or  *)
(* Close; GetBufferBlocks then Await (the first park, part of the spec's   *)
(* GetBuffer) or WaitTimedOut (the deadline had passed); AwaitReturns then *)
(* Await (it waits again) or WakeWithSample, WakeNotCommitted,             *)
(* WaitTimedOut; AwaitThrows then WaitInterrupted.  `region` remembers the *)
(* region in progress: its thread, and what may end it.  The first event   *)
(* of a region is matched with the whole monitor step where the step's     *)
(* outcome is already known, else the last one is.                         *)
(*                                                                         *)
(* The checks, beyond the contract's:                                      *)
(*  - a region calls signal() exactly when the spec's Release does         *)
(*    (a final release with waiters > 0), and signalAll() exactly when     *)
(*    the spec's Decommit or Close does (committed, waiters > 0);          *)
(*  - after every event the wait queue is the spec's waitQueue, in order:  *)
(*    so a signal takes the head, signalAll takes everyone, a waiter that  *)
(*    parks joins the tail, and a woken waiter has left the queue;         *)
(*  - a waiter's wait ends (AwaitReturns, AwaitThrows) only once the spec  *)
(*    has woken it, and the way it ends is the spec's (awaitExit);         *)
(*  - a woken waiter waits again only if the spec's loop does (committed,  *)
(*    nothing free), and otherwise leaves as the spec's loop does.         *)
(*                                                                         *)
(* Steps no event reports happen between events: the interrupt of a       *)
(* blocked thread (Interrupt; the evidence comes later, when its wait      *)
(* throws or its queue entry is gone), and the end of a timed waiter's     *)
(* wait by its deadline (WakesByItself, for a timed call only).  An        *)
(* untimed waiter never leaves the queue by itself: the Condition contract *)
(* allows spurious wake-ups, but AQS's await() loops until it is           *)
(* signalled or interrupted, so a trace of the JDK's monitor has none, and *)
(* one that seems to is a waiter woken by nobody.                          *)
(*                                                                         *)
(* Verdict (MemAllocatorMonitorTrace.cfg): NotDone is an inverted          *)
(* invariant, violated (TLC exit 12) when some behaviour matched every     *)
(* event and closed the last region: accepted.  TLC ending without error   *)
(* (exit 0): rejected; the last "matched" line TLC printed gives the last  *)
(* event some behaviour matched, so the first unmatched one follows it.    *)
(* (The search depth is no position here: hidden steps add depth.)  A      *)
(* malformed event fails the Assert with its position.                     *)
(***************************************************************************)
EXTENDS Naturals, Sequences, TLC, TraceData

VARIABLES
    props, committed, decommitPending, buffers, freeList, refs, waiters, waitQueue,
    awaitExit, interrupted, timed, pc, result, clientRef, selfRef,
    l,        \* the cursor: Trace[l] is the next event to match
    region    \* the locked region in progress: [k |-> what may end it, t |-> its thread]

M == INSTANCE MemAllocatorMonitor WITH Threads <- TraceThreads, MaxBuffers <- TraceMaxBuffers,
                                       MaxRefs <- TraceMaxRefs

monitorVars == <<props, committed, decommitPending, buffers, freeList, refs, waiters, waitQueue,
                 awaitExit, interrupted, timed, pc, result, clientRef, selfRef>>

ThreadActions == {"SetProperties", "Commit", "Decommit", "Close", "GetBufferOk",
                  "GetBufferNotCommitted", "GetBufferTimeout", "GetBufferBlocks",
                  "WakeWithSample", "WakeNotCommitted", "WaitTimedOut", "WaitInterrupted",
                  "Await", "Signal", "SignalAll", "AwaitReturns", "AwaitThrows"}
SampleActions == {"AddRef", "Release"}
Modes == {"none", "wait", "nowait", "timed"}
Fields == {"action", "t", "b", "hr", "refs", "c", "lay", "align", "mode", "q"}

WellFormed(e) ==
    /\ DOMAIN e = Fields
    /\ e.action \in ThreadActions \cup SampleActions
    /\ e.action \in ThreadActions => e.t \in TraceThreads
    /\ e.action \in SampleActions \cup {"GetBufferOk", "WakeWithSample"} => e.b \in 1..TraceMaxBuffers
    /\ e.hr \in M!Results
    /\ e.refs \in Nat
    /\ e.mode \in Modes
    /\ e.q \in Seq(TraceThreads)
    /\ e.action = "SetProperties" => e.c \in 0..TraceMaxBuffers /\ e.lay \in M!Layouts /\ e.align \in BOOLEAN

NoRegion == [k |-> "none", t |-> "none"]
Region(k, t) == [k |-> k, t |-> t]
Between == region = NoRegion        \* no region in progress: the event starts one

Returns(e) == result'[e.t] = e.hr

(* The wait queue the event reported is the spec's: after the step, or,    *)
(* for a thread about to park, without that thread.                        *)
Seen(e) == waitQueue' = e.q
SeenBeforePark(e) == SelectSeq(waitQueue', LAMBDA w : w # e.t) = e.q

(* The get took the top of the free stack, and it is the event's buffer.   *)
TakesTop(e) == freeList # << >> /\ freeList[Len(freeList)] = e.b

(* The region made the condition call `call` (reported just before this    *)
(* event) exactly when the spec's step makes it.                           *)
CalledIff(e, call, specCalls) ==
    IF specCalls THEN region = Region(call, e.t) ELSE Between

(* Leaving awaitBuffer after a wake-up (or, for WaitTimedOut, at once).    *)
MayLeave(e) ==
    \/ region = Region("resumed", e.t)
    \/ e.action = "WaitTimedOut" /\ region = Region("blocked", e.t)

Match(e) ==
    \/ /\ e.action = "SetProperties" /\ Between
       /\ M!SetProperties(e.t) /\ Returns(e) /\ Seen(e)
       /\ (e.hr = "VFW_E_BADALIGN") = ~e.align
       /\ e.hr = "S_OK" => props' = [count |-> e.c, layout |-> e.lay]
       /\ region' = NoRegion
    \/ /\ e.action = "Commit" /\ Between
       /\ M!Commit(e.t) /\ Returns(e) /\ Seen(e) /\ region' = NoRegion
    \/ /\ e.action = "Decommit" /\ CalledIff(e, "SignalAll", committed /\ waiters > 0)
       /\ M!Decommit(e.t) /\ Returns(e) /\ Seen(e) /\ region' = NoRegion
    \/ /\ e.action = "Close" /\ CalledIff(e, "SignalAll", committed /\ waiters > 0)
       /\ M!Close(e.t) /\ Returns(e) /\ Seen(e) /\ region' = NoRegion
    \/ /\ e.action \in {"GetBufferOk", "GetBufferNotCommitted", "GetBufferTimeout"} /\ Between
       /\ e.action = "GetBufferOk" => TakesTop(e)
       /\ e.action = "GetBufferTimeout" => e.mode \in {"nowait", "timed"}
       /\ M!GetBuffer(e.t) /\ Returns(e) /\ Seen(e) /\ region' = NoRegion
    \/ /\ e.action = "GetBufferBlocks" /\ Between /\ e.mode \in {"wait", "timed"}
       /\ M!GetBuffer(e.t) /\ Returns(e) /\ timed'[e.t] = (e.mode = "timed")
       /\ SeenBeforePark(e) /\ region' = Region("blocked", e.t)
    \/ /\ e.action = "Await" /\ region = Region("blocked", e.t)     \* parked by GetBuffer
       /\ UNCHANGED monitorVars /\ SeenBeforePark(e) /\ region' = NoRegion
    \/ /\ e.action = "Await" /\ region = Region("resumed", e.t)     \* waits again
       /\ M!AwaitReturns(e.t) /\ pc'[e.t] = "awaitBuffer"
       /\ SeenBeforePark(e) /\ region' = NoRegion
    \/ /\ e.action = "AwaitReturns" /\ Between
       /\ pc[e.t] = "awaitBuffer" /\ awaitExit[e.t] = "returns"
       /\ UNCHANGED monitorVars /\ Seen(e) /\ region' = Region("resumed", e.t)
    \/ /\ e.action = "AwaitThrows" /\ Between
       /\ pc[e.t] = "awaitBuffer" /\ awaitExit[e.t] = "throws"
       /\ UNCHANGED monitorVars /\ Seen(e) /\ region' = Region("throwing", e.t)
    \/ /\ e.action = "WaitInterrupted" /\ region = Region("throwing", e.t)
       /\ M!AwaitReturns(e.t) /\ Returns(e) /\ Seen(e) /\ region' = NoRegion
    \/ /\ e.action \in {"WakeWithSample", "WakeNotCommitted", "WaitTimedOut"} /\ MayLeave(e)
       /\ e.action = "WakeWithSample" => TakesTop(e)
       /\ M!AwaitReturns(e.t) /\ pc'[e.t] = "idle" /\ Returns(e) /\ Seen(e)
       /\ region' = NoRegion
    \/ /\ e.action = "Signal" /\ Between
       /\ UNCHANGED monitorVars /\ region' = Region("Signal", e.t)
    \/ /\ e.action = "SignalAll" /\ Between
       /\ UNCHANGED monitorVars /\ region' = Region("SignalAll", e.t)
    \/ /\ e.action = "Release" /\ CalledIff(e, "Signal", refs[e.b] = 1 /\ waiters > 0)
       /\ M!Release(e.b) /\ refs'[e.b] = e.refs /\ e.hr = "S_OK" /\ Seen(e)
       /\ region' = NoRegion
    \/ /\ e.action = "AddRef" /\ Between
       /\ M!AddRef(e.b) /\ refs'[e.b] = e.refs /\ e.hr = "S_OK" /\ Seen(e)
       /\ region' = NoRegion

(* The last event some behaviour matched, printed as it grows (register 1). *)
Progress == IF l > TLCGet(1) THEN TLCSet(1, l) /\ PrintT(<<"matched", l>>) ELSE TRUE

TraceInit ==
    /\ M!Init
    /\ l = 1
    /\ region = NoRegion
    /\ TLCSet(1, 0)

EventStep ==
    /\ l <= Len(Trace)
    /\ Assert(WellFormed(Trace[l]), <<"malformed trace event", l, Trace[l]>>)
    /\ Match(Trace[l])
    /\ l' = l + 1
    /\ Progress

(* The steps no event reports: an interrupt, a timed waiter's deadline.   *)
HiddenStep ==
    /\ \E t \in TraceThreads :
          \/ timed[t] /\ M!WakesByItself(t)
          \/ M!Interrupt(t)
    /\ UNCHANGED <<l, region>>

TraceNext == EventStep \/ HiddenStep

(* Inverted invariant: violated exactly when the whole trace was matched   *)
(* and its last region closed.                                             *)
NotDone == l <= Len(Trace) \/ region # NoRegion
=============================================================================
