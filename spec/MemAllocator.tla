---------------------------- MODULE MemAllocator ----------------------------
(***************************************************************************)
(* The DirectShow IMemAllocator contract, as Microsoft's base classes      *)
(* (CBaseAllocator / CMemAllocator / CMediaSample) implement it.           *)
(*                                                                         *)
(* A client sets the buffer requirements (SetProperties), allocates them   *)
(* (Commit), takes empty samples (GetBuffer: at once, VFW_E_TIMEOUT with   *)
(* AM_GBF_NOWAIT, or blocking until a sample comes back or the allocator   *)
(* is decommitted), and hands each sample back with its final Release.     *)
(* Decommit stops GetBuffer at once but is deferred: the memory goes only  *)
(* when the last outstanding sample comes back.                            *)
(*                                                                         *)
(* Modelled: the properties, abstracted to the buffer count and whether    *)
(* Commit can lay them out; committed and decommit-pending; the allocated  *)
(* buffers and the free list; each sample's reference count; each client  *)
(* thread's call (idle or blocked in GetBuffer, and whether that wait has  *)
(* a deadline) and the HRESULT its last call returned; the allocator's    *)
(* own references (the client's, and the self-reference a committing      *)
(* Commit takes and the completed decommit drops).                        *)
(*                                                                         *)
(* Not modelled: buffer contents and sample metadata (times, flags, media *)
(* type); the size-rounding arithmetic, which is abstracted to "layout"    *)
(* and covered by unit tests; GetProperties, which changes nothing; the    *)
(* lock and condition of an implementation (MemAllocatorMonitor.tla does   *)
(* that and refines this module); which thread holds a sample (COM lets    *)
(* any thread with the pointer AddRef or Release it, and the allocator     *)
(* cannot tell, so sample steps carry no thread); misuse (releasing a      *)
(* sample twice), which the Java implementation refuses without a state    *)
(* change.                                                                 *)
(*                                                                         *)
(* Where Wine differs from Microsoft, this module follows Microsoft:       *)
(*  - a waiter woken by Decommit returns VFW_E_NOT_COMMITTED (Wine:        *)
(*    VFW_E_TIMEOUT), and re-waits if the allocator was committed again    *)
(*    before it ran (Wine: no re-check loop);                              *)
(*  - SetProperties checks alignment, then committed, then outstanding    *)
(*    samples (Wine: outstanding, committed, alignment);                   *)
(*  - Commit while a decommit is pending cancels it without allocating    *)
(*    and without a second self-reference;                                 *)
(*  - the allocator cannot be destroyed while samples are out (Wine frees  *)
(*    the memory under them).                                              *)
(* One deliberate choice the contract leaves open: memory is dropped when  *)
(* the decommit completes (Wine does so too; CMemAllocator keeps it until  *)
(* the properties change or it is destroyed).  Which free buffer GetBuffer *)
(* hands out is left open here; both real implementations use LIFO, and   *)
(* so does MemAllocatorMonitor.tla.                                        *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, TLC

CONSTANTS
    Threads,     \* the client threads that call the allocator
    MaxBuffers,  \* the largest cBuffers a client sets
    MaxRefs      \* the largest reference count a sample reaches

ASSUME ThreadsOk ==
    Assert(IsFiniteSet(Threads) /\ Threads # {},
           "Threads must be a finite, non-empty set of model values")
ASSUME MaxBuffersOk ==
    Assert(MaxBuffers \in Nat /\ MaxBuffers >= 1, "MaxBuffers must be a natural number >= 1")
ASSUME MaxRefsOk ==
    Assert(MaxRefs \in Nat /\ MaxRefs >= 1, "MaxRefs must be a natural number >= 1")

Buffers == 1..MaxBuffers

(* What Commit finds when it lays out the rounded properties (the Java    *)
(* AllocatorProperties.commitError): "sizeNotSet" stands for a rounded    *)
(* cbBuffer <= 0; "outOfMemory" for a negative prefix or count * stride   *)
(* overflowing.  A count of 0 stands for cBuffers <= 0.                   *)
Layouts == {"valid", "sizeNotSet", "outOfMemory"}

(* What a thread's last call returned.  "NONE": no call has returned yet, *)
(* or one is in progress.  "INTERRUPTED": a blocked GetBuffer left its    *)
(* wait by Thread.interrupt (Java only: InterruptedException).            *)
Results == {"NONE", "S_OK", "VFW_E_BADALIGN", "VFW_E_ALREADY_COMMITTED",
            "VFW_E_BUFFERS_OUTSTANDING", "VFW_E_SIZENOTSET", "E_OUTOFMEMORY",
            "VFW_E_NOT_COMMITTED", "VFW_E_TIMEOUT", "INTERRUPTED"}

VARIABLES
    props,            \* [count, layout]: the properties in force
    committed,        \* GetBuffer may hand out samples
    decommitPending,  \* Decommit was called with samples out; memory still held
    buffers,          \* the allocated buffers (memory), 1..count or {}
    freeList,         \* the allocated buffers nobody holds
    refs,             \* refs[b]: sample b's reference count, 0 while free
    pc,               \* pc[t]: "idle", "blocked" in GetBuffer, or "done" (Quit)
    timed,            \* timed[t]: t's blocked GetBuffer has a deadline (Java's timed getBuffer)
    result,           \* result[t]: the HRESULT of t's last call
    clientRef,        \* the client still holds its allocator reference
    selfRef           \* the allocator holds its own reference (Commit .. decommit done)

vars == <<props, committed, decommitPending, buffers, freeList, refs, pc, timed, result,
          clientRef, selfRef>>

Outstanding == {b \in Buffers : refs[b] > 0}
waiters == {t \in Threads : pc[t] = "blocked"}
Destroyed == ~clientRef /\ ~selfRef

-----------------------------------------------------------------------------
Init ==
    /\ props = [count |-> 0, layout |-> "sizeNotSet"]   \* all zero
    /\ committed = FALSE
    /\ decommitPending = FALSE
    /\ buffers = {}
    /\ freeList = {}
    /\ refs = [b \in Buffers |-> 0]
    /\ pc = [t \in Threads |-> "idle"]
    /\ timed = [t \in Threads |-> FALSE]
    /\ result = [t \in Threads |-> "NONE"]
    /\ clientRef = TRUE
    /\ selfRef = FALSE

(* The closed world.  Open (the default): a blocked call may time out or  *)
(* be interrupted, and client threads never stop calling.  Closed (the    *)
(* substitution "ClosedWorld <- ClosedWorldModel" in a configuration):    *)
(* neither of those steps, and an idle thread may stop for good (Quit).   *)
(* A waiter nobody can wake then has no step, and once the other threads  *)
(* have stopped nothing is enabled, which TLC's deadlock check reports.   *)
ClosedWorld == FALSE
ClosedWorldModel == TRUE

(* A client call: the thread is not inside another call, and the client  *)
(* still holds the allocator.                                             *)
Call(t) == clientRef /\ pc[t] = "idle"
Return(t, hr) == result' = [result EXCEPT ![t] = hr]

(* SetProperties(t, request) where the request has count c, layout l and *)
(* an alignment that is (alignOk) or is not a power of two in 1..65536.  *)
(* Checks in Microsoft's order; a pending decommit counts as "samples    *)
(* outstanding", not as "committed".                                      *)
SetProperties(t, c, l, alignOk) ==
    /\ Call(t)
    /\ LET hr == IF ~alignOk THEN "VFW_E_BADALIGN"
                 ELSE IF committed THEN "VFW_E_ALREADY_COMMITTED"
                 ELSE IF Outstanding # {} THEN "VFW_E_BUFFERS_OUTSTANDING"
                 ELSE "S_OK"
       IN /\ Return(t, hr)
          /\ props' = IF hr = "S_OK" THEN [count |-> c, layout |-> l] ELSE props
    /\ UNCHANGED <<committed, decommitPending, buffers, freeList, refs, pc, timed, clientRef, selfRef>>

(* The HRESULT Commit's allocation would fail with, or "S_OK".           *)
CommitError ==
    IF props.count = 0 \/ props.layout = "sizeNotSet" THEN "VFW_E_SIZENOTSET"
    ELSE IF props.layout = "outOfMemory" THEN "E_OUTOFMEMORY"
    ELSE "S_OK"

Commit(t) ==
    /\ Call(t)
    /\ CASE committed ->                                  \* idempotent, no re-validation
              /\ Return(t, "S_OK")
              /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, selfRef>>
         [] ~committed /\ decommitPending ->               \* cancels it: no allocation, no new self-reference
              /\ committed' = TRUE
              /\ decommitPending' = FALSE
              /\ Return(t, "S_OK")
              /\ UNCHANGED <<props, buffers, freeList, selfRef>>
         [] ~committed /\ ~decommitPending /\ CommitError # "S_OK" ->   \* nothing changes
              /\ Return(t, CommitError)
              /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, selfRef>>
         [] ~committed /\ ~decommitPending /\ CommitError = "S_OK" ->   \* allocate; the self-reference
              /\ committed' = TRUE
              /\ buffers' = 1..props.count
              /\ freeList' = 1..props.count
              /\ selfRef' = TRUE
              /\ Return(t, "S_OK")
              /\ UNCHANGED <<props, decommitPending>>
    /\ UNCHANGED <<refs, pc, timed, clientRef>>

(* Decommit's effect, shared with Close.  Blocked GetBuffer calls see     *)
(* ~committed and may return (WakeNotCommitted).                          *)
DecommitEffect ==
    IF ~committed
    THEN UNCHANGED <<committed, decommitPending, buffers, freeList, selfRef>>
    ELSE /\ committed' = FALSE
         /\ IF Outstanding # {}
            THEN /\ decommitPending' = TRUE       \* deferred: samples stay usable
                 /\ UNCHANGED <<buffers, freeList, selfRef>>
            ELSE /\ decommitPending' = FALSE      \* completes now: memory goes
                 /\ buffers' = {}
                 /\ freeList' = {}
                 /\ selfRef' = FALSE

Decommit(t) ==
    /\ Call(t)
    /\ DecommitEffect
    /\ Return(t, "S_OK")
    /\ UNCHANGED <<props, refs, pc, timed, clientRef>>

(* The client's last IUnknown::Release of the allocator.  The Java       *)
(* close() decommits first; Microsoft's final Release of a committed     *)
(* allocator does not, and the self-reference then keeps it alive (and    *)
(* committed) for ever: a leak this module does not model.                *)
Close(t) ==
    /\ Call(t)
    /\ DecommitEffect
    /\ clientRef' = FALSE
    /\ Return(t, "S_OK")
    /\ UNCHANGED <<props, refs, pc, timed>>

TakeBuffer(t, b) ==
    /\ freeList' = freeList \ {b}
    /\ refs' = [refs EXCEPT ![b] = 1]
    /\ Return(t, "S_OK")

(* GetBuffer, by outcome.  The start/end times and every flag but        *)
(* AM_GBF_NOWAIT are ignored.                                             *)
GetBufferOk(t) ==
    /\ Call(t)
    /\ committed
    /\ \E b \in freeList : TakeBuffer(t, b)
    /\ UNCHANGED <<props, committed, decommitPending, buffers, pc, timed, clientRef, selfRef>>

GetBufferNotCommitted(t) ==          \* never committed, decommitted, or decommit pending
    /\ Call(t)
    /\ ~committed
    /\ Return(t, "VFW_E_NOT_COMMITTED")
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, refs, pc, timed, clientRef, selfRef>>

GetBufferTimeout(t) ==               \* AM_GBF_NOWAIT with nothing free
    /\ Call(t)
    /\ committed
    /\ freeList = {}
    /\ Return(t, "VFW_E_TIMEOUT")
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, refs, pc, timed, clientRef, selfRef>>

(* GetBufferBlocks: nothing free, wait for a release or a decommit.  The  *)
(* call chooses whether its wait has a deadline: timed (Java's            *)
(* getBuffer(flags, timeout); MS: a finite dwMilliseconds) or not (MS:     *)
(* INFINITE).  The closed world has no timed calls.                       *)
TimedChoices == IF ClosedWorld THEN {FALSE} ELSE BOOLEAN

GetBufferBlocks(t) ==
    /\ Call(t)
    /\ committed
    /\ freeList = {}
    /\ pc' = [pc EXCEPT ![t] = "blocked"]
    /\ \E tm \in TimedChoices : timed' = [timed EXCEPT ![t] = tm]
    /\ Return(t, "NONE")
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, refs, clientRef, selfRef>>

(* A blocked GetBuffer returns: the thread is idle again, its call no      *)
(* longer timed.                                                          *)
EndWait(t) ==
    /\ pc' = [pc EXCEPT ![t] = "idle"]
    /\ timed' = [timed EXCEPT ![t] = FALSE]

(* The ways a blocked GetBuffer returns.  A waiter that finds the        *)
(* allocator committed with nothing free keeps waiting, so a Decommit     *)
(* followed by a Commit before it runs leaves it blocked.                 *)
WakeWithSample(t) ==
    /\ pc[t] = "blocked"
    /\ committed
    /\ \E b \in freeList : TakeBuffer(t, b)
    /\ EndWait(t)
    /\ UNCHANGED <<props, committed, decommitPending, buffers, clientRef, selfRef>>

WakeNotCommitted(t) ==
    /\ pc[t] = "blocked"
    /\ ~committed
    /\ EndWait(t)
    /\ Return(t, "VFW_E_NOT_COMMITTED")
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, refs, clientRef, selfRef>>

(* WaitTimedOut: the deadline of a timed getBuffer (Java's               *)
(* getBuffer(flags, timeout)) passed while nothing was free.  Only a      *)
(* timed wait has a deadline: an untimed GetBuffer (MS: INFINITE) never   *)
(* takes this step (UntimedWaitsNeverTimeOut).                            *)
WaitTimedOut(t) ==
    /\ ~ClosedWorld
    /\ pc[t] = "blocked"
    /\ timed[t]
    /\ committed
    /\ freeList = {}
    /\ EndWait(t)
    /\ Return(t, "VFW_E_TIMEOUT")
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, refs, clientRef, selfRef>>

WaitInterrupted(t) ==                \* Java: Thread.interrupt while blocked; takes nothing
    /\ ~ClosedWorld
    /\ pc[t] = "blocked"
    /\ EndWait(t)
    /\ Return(t, "INTERRUPTED")
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, refs, clientRef, selfRef>>

(* Sample steps, by whoever holds the sample. *)
AddRef(b) ==
    /\ refs[b] \in 1..(MaxRefs - 1)
    /\ refs' = [refs EXCEPT ![b] = @ + 1]
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, pc, timed, result, clientRef, selfRef>>

(* The final Release (count 1 -> 0) is ReleaseBuffer: the buffer goes    *)
(* back to the free list, or, if it was the last one out while a decommit *)
(* is pending, the decommit completes: memory and self-reference go.      *)
Release(b) ==
    /\ refs[b] > 0
    /\ refs' = [refs EXCEPT ![b] = @ - 1]
    /\ IF refs[b] = 1 /\ decommitPending /\ Outstanding = {b}
       THEN /\ decommitPending' = FALSE
            /\ buffers' = {}
            /\ freeList' = {}
            /\ selfRef' = FALSE
       ELSE /\ freeList' = IF refs[b] = 1 THEN freeList \cup {b} ELSE freeList
            /\ UNCHANGED <<decommitPending, buffers, selfRef>>
    /\ UNCHANGED <<props, committed, pc, timed, result, clientRef>>

(* Closed world only: an idle thread stops calling, for good. *)
Quit(t) ==
    /\ ClosedWorld
    /\ pc[t] = "idle"
    /\ pc' = [pc EXCEPT ![t] = "done"]
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, refs, timed, result, clientRef, selfRef>>

(* Nothing is left to happen once every call has returned and the        *)
(* allocator is destroyed, or (closed world) every thread has stopped and *)
(* every sample is back.                                                  *)
Terminating ==
    /\ waiters = {}
    /\ \/ Destroyed
       \/ (\A t \in Threads : pc[t] = "done") /\ Outstanding = {}
    /\ UNCHANGED vars

Next ==
    \/ \E t \in Threads :
          \/ \E c \in 0..MaxBuffers, l \in Layouts, a \in BOOLEAN : SetProperties(t, c, l, a)
          \/ Commit(t)
          \/ Decommit(t)
          \/ Close(t)
          \/ GetBufferOk(t)
          \/ GetBufferNotCommitted(t)
          \/ GetBufferTimeout(t)
          \/ GetBufferBlocks(t)
          \/ WakeWithSample(t)
          \/ WakeNotCommitted(t)
          \/ WaitTimedOut(t)
          \/ WaitInterrupted(t)
          \/ Quit(t)
    \/ \E b \in Buffers : AddRef(b) \/ Release(b)
    \/ Terminating

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Fairness.  Clients are never obliged to call anything.                *)
(*  - Holders eventually give their samples back: a sample with a        *)
(*    reference is eventually released (weak), and holders do not keep   *)
(*    AddRef-ing a sample for ever instead of letting its last reference  *)
(*    go (strong fairness of the final Release).                          *)
(*  - A woken thread eventually runs: a waiter that could return, because *)
(*    a buffer is free or the allocator was decommitted, returns.  Strong *)
(*    fairness says "if it could return infinitely often, it does": a     *)
(*    fair lock.                                                           *)
SamplesComeBack ==
    \A b \in Buffers :
        /\ WF_vars(Release(b))
        /\ SF_vars(Release(b) /\ refs[b] = 1)

FairSpec ==
    /\ Spec
    /\ SamplesComeBack
    /\ \A t \in Threads : SF_vars(WakeWithSample(t)) /\ SF_vars(WakeNotCommitted(t))

(* The same with only weak fairness for waiters: a lock that lets a      *)
(* running thread barge in ahead of a woken one (Java's ReentrantLock by *)
(* default, Microsoft's semaphore and Win32 scheduling).  A buffer that  *)
(* comes back can then be taken again, for ever, by a thread that was    *)
(* not waiting, and a single waiter starves: WaitersEventuallyReturn     *)
(* fails under this specification (the Starvation model, an expected     *)
(* counterexample).  Pending decommits still complete.                   *)
WeakFairSpec ==
    /\ Spec
    /\ SamplesComeBack
    /\ \A t \in Threads : WF_vars(WakeWithSample(t)) /\ WF_vars(WakeNotCommitted(t))

-----------------------------------------------------------------------------
(* Safety. *)
TypeOK ==
    /\ props \in [count : 0..MaxBuffers, layout : Layouts]
    /\ committed \in BOOLEAN
    /\ decommitPending \in BOOLEAN
    /\ buffers \subseteq Buffers
    /\ freeList \subseteq Buffers
    /\ refs \in [Buffers -> 0..MaxRefs]
    /\ pc \in [Threads -> {"idle", "blocked", "done"}]
    /\ timed \in [Threads -> BOOLEAN]
    /\ result \in [Threads -> Results]
    /\ clientRef \in BOOLEAN
    /\ selfRef \in BOOLEAN

(* Every allocated buffer is either free or held with a reference, never *)
(* both, and nothing outside the allocation is held.                      *)
BuffersConserved ==
    /\ freeList \cap Outstanding = {}
    /\ freeList \cup Outstanding = buffers

DecommitPendingOnlyWhileSamplesOut ==
    decommitPending => ~committed /\ Outstanding # {}

(* The memory is held as long as any sample is out (one promise, one     *)
(* name: MemAllocatorMonitor.tla states it with the same name).          *)
MemoryHeldWhileSamplesOut == Outstanding \subseteq buffers

(* One self-reference per commit cycle, held exactly while memory is,    *)
(* and held while committed.                                              *)
SelfReferenceWhileAllocated ==
    /\ selfRef <=> buffers # {}
    /\ committed => selfRef

NeverDestroyedWithSamplesOut ==
    Destroyed => Outstanding = {} /\ ~decommitPending /\ buffers = {}

(* Only a blocked call is timed (its deadline ends with the call).        *)
TimedOnlyWhileBlocked == \A t \in Threads : timed[t] => pc[t] = "blocked"

(* Action properties. *)
NoSampleHandedOutUnlessCommitted ==
    [][\A b \in Buffers : refs[b] = 0 /\ refs'[b] > 0 => committed]_vars

PropertiesChangeOnlyWhenIdle ==
    [][props' # props => ~committed /\ Outstanding = {}]_vars

(* An untimed GetBuffer that blocked returns a sample, NOT_COMMITTED or   *)
(* INTERRUPTED, never VFW_E_TIMEOUT (MemAllocatorMonitor.tla states the    *)
(* same of the Java; through the refinement mapping this one is checked   *)
(* of it too).                                                             *)
UntimedWaitsNeverTimeOut ==
    [][\A t \in Threads :
          pc[t] = "blocked" /\ ~timed[t] => result'[t] # "VFW_E_TIMEOUT"]_vars

(* Liveness. *)
WaitersEventuallyReturn ==
    \A t \in Threads : pc[t] = "blocked" ~> pc[t] = "idle"

DecommitEventuallyCompletes ==
    decommitPending ~> ~decommitPending

(* What holds with only weak fairness for waiters (WeakFairSpec, the      *)
(* MemAllocatorWeakFair model), where a single waiter may starve:         *)
(* system-wide progress (a free buffer does not idle beside a waiter for  *)
(* ever: someone takes it, or the allocator is decommitted), and no       *)
(* waiter sleeps through a decommit.  DecommitEventuallyCompletes holds   *)
(* too.                                                                    *)
NoBufferIdlesBesideAWaiter ==
    committed /\ freeList # {} /\ waiters # {} ~> ~committed \/ freeList = {} \/ waiters = {}

NoWaiterSleepsThroughDecommit ==
    \A t \in Threads : pc[t] = "blocked" /\ ~committed ~> pc[t] # "blocked" \/ committed

-----------------------------------------------------------------------------
(* The inductive invariant.  IInv holds initially and every step from any  *)
(* state satisfying it leads to a state satisfying it: checked by TLC from *)
(* EVERY type-correct state satisfying IInv, reachable or not              *)
(* (MemAllocatorIInv.cfg: INIT IInvInit, NEXT Next, INVARIANT IInv).  It   *)
(* is the safety invariants plus what makes them inductive: memory exists  *)
(* exactly while committed or pending, laid out as the properties say, and *)
(* a closed allocator is not committed.                                    *)
MemoryIInv ==                   \* props, committed, decommitPending, buffers, selfRef, clientRef
    /\ SelfReferenceWhileAllocated
    /\ ~committed /\ ~decommitPending => buffers = {}
    /\ buffers # {} => buffers = 1..props.count /\ props.layout = "valid"
    /\ ~clientRef => ~committed

BuffersIInv ==                  \* and freeList, refs
    /\ BuffersConserved
    /\ MemoryHeldWhileSamplesOut
    /\ DecommitPendingOnlyWhileSamplesOut
    /\ NeverDestroyedWithSamplesOut

IInv == TypeOK /\ MemoryIInv /\ BuffersIInv /\ TimedOnlyWhileBlocked

(* TypeOK /\ IInv, ordered so that TLC enumerates only the states that     *)
(* satisfy it, with result fixed: no step reads result, so its initial     *)
(* value cannot affect whether IInv is preserved.                          *)
IInvInit ==
    /\ result = [t \in Threads |-> "NONE"]
    /\ props \in [count : 0..MaxBuffers, layout : Layouts]
    /\ committed \in BOOLEAN
    /\ decommitPending \in BOOLEAN
    /\ buffers \in SUBSET Buffers
    /\ selfRef \in BOOLEAN
    /\ clientRef \in BOOLEAN
    /\ MemoryIInv
    /\ freeList \in SUBSET Buffers
    /\ refs \in [Buffers -> 0..MaxRefs]
    /\ BuffersIInv
    /\ pc \in [Threads -> {"idle", "blocked", "done"}]
    /\ timed \in [Threads -> BOOLEAN]
    /\ TimedOnlyWhileBlocked
    /\ IInv

(* What is checked, and where (TLC, finite models; see spec/README.md).    *)
Safety ==
    /\ TypeOK /\ BuffersConserved /\ DecommitPendingOnlyWhileSamplesOut
    /\ MemoryHeldWhileSamplesOut /\ SelfReferenceWhileAllocated /\ NeverDestroyedWithSamplesOut
    /\ TimedOnlyWhileBlocked
Liveness == WaitersEventuallyReturn /\ DecommitEventuallyCompletes
WeakLiveness == DecommitEventuallyCompletes /\ NoBufferIdlesBesideAWaiter /\ NoWaiterSleepsThroughDecommit

THEOREM Spec => []IInv              \* MemAllocator.cfg (Init => IInv), MemAllocatorIInv.cfg
THEOREM Spec => []Safety            \* MemAllocator.cfg; IInv => Safety
THEOREM Spec => NoSampleHandedOutUnlessCommitted /\ PropertiesChangeOnlyWhenIdle /\ UntimedWaitsNeverTimeOut
THEOREM FairSpec => Liveness        \* MemAllocator.cfg
THEOREM WeakFairSpec => WeakLiveness    \* MemAllocatorWeakFair.cfg (not WaitersEventuallyReturn: MemAllocatorStarvation.cfg)

(* For safety-only models with more threads. *)
ThreadSymmetry == Permutations(Threads)
=============================================================================
