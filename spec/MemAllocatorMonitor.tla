------------------------- MODULE MemAllocatorMonitor -------------------------
(***************************************************************************)
(* MonitorMemAllocator.java, step by step, and the proof by model checking *)
(* that it implements the contract MemAllocator.tla.                       *)
(*                                                                         *)
(* The Java class is a monitor: one non-fair ReentrantLock `lock`, one     *)
(* Condition `bufferFreeOrNotCommitted`.  Every public method takes the    *)
(* lock, does its work and unlocks, so each locked region is ONE step      *)
(* here and the lock itself is implicit in the interleaving (Kuppe's       *)
(* BlockingQueue granularity).  Waiting is explicit: a getBuffer that      *)
(* finds nothing free counts itself in `waiters` and parks at the tail of  *)
(* `waitQueue`, the condition's FIFO wait queue, releasing the lock.  It   *)
(* leaves the queue by a signal (which takes the head, the longest         *)
(* waiter), a signalAll, a spurious wake-up, the end of its awaitNanos     *)
(* timeout or an interrupt (these three from anywhere in the queue), and   *)
(* then contends for the lock again; AwaitReturns is the locked region     *)
(* that follows await().                                                   *)
(*                                                                         *)
(* Action              Java (MonitorMemAllocator)                          *)
(*   SetProperties     setProperties                                       *)
(*   Commit            commit (allocate: the free list, buffer 1 on top)   *)
(*   Decommit          decommit (decommitEffect: signalAll)                *)
(*   Close             close (decommitEffect, clientRef = false)           *)
(*   GetBuffer         take(): the checks, then awaitBuffer up to await()  *)
(*   AwaitReturns      awaitBuffer after await() returns or throws         *)
(*   Signal...         (inside Release: returnBuffer's signal())           *)
(*   WakesByItself     a spurious wake-up, or awaitNanos' deadline         *)
(*   Interrupt         Thread.interrupt() on a thread in awaitBuffer       *)
(*   AddRef, Release   Sample.addRef, Sample.release (returnBuffer)        *)
(*                                                                         *)
(* Modelled: everything MemAllocator.tla models (properties abstracted to  *)
(* a count and a layout, committed, decommit pending, the memory, the      *)
(* free list, reference counts, each thread's call and result, the         *)
(* client's and the self reference), plus the Java state that the          *)
(* contract leaves out: the free list as a LIFO stack (a sequence, top     *)
(* last, as freeList[0 .. freeCount)), the waiter count, the condition's   *)
(* wait queue in its order, how each woken await() ends, whether a blocked *)
(* call is timed, and each thread's interrupt status.  AQS semantics are   *)
(* modelled as the JDK implements them (ConditionObject): await() appends  *)
(* the thread at the tail; signal() moves the head, the longest waiter,    *)
(* out of the queue, signalAll() all of them; a waiter that is interrupted *)
(* or times out before it is signalled cancels its own wait wherever it is *)
(* in the queue, so a later signal() goes to the next waiter; a waiter     *)
(* interrupted after its signal returns normally from await() with its     *)
(* interrupt status set again, and its next await() throws at once.  A     *)
(* waiter that must wait again parks at the tail again.                    *)
(*                                                                         *)
(* Not modelled: the lock's own queue.  Any woken thread may take the lock *)
(* next, and so may any thread calling in: barging, as a non-fair          *)
(* ReentrantLock allows; what the lock guarantees is stated as fairness    *)
(* below (weak fairness: WeakFairSpec).  Clock values (a timed call's      *)
(* deadline may pass at any moment); misuse, which the Java refuses before *)
(* it changes anything (a call after close, a sample released twice,       *)
(* releaseBuffer called directly); GetProperties, the counters' getters,   *)
(* setNotify and the notify callback (outside the lock, no state); spec    *)
(* tracing; direct memory exhaustion in allocate (E_OUTOFMEMORY from the   *)
(* JVM, not from the layout).                                              *)
(*                                                                         *)
(* One approximation.  In two places Java reports two contract steps in    *)
(* one locked region: await() with the interrupt status already set        *)
(* throws before it releases the lock (GetBufferBlocks, WaitInterrupted),  *)
(* and a timed call whose deadline passes between take()'s check and the   *)
(* loop's first test leaves the loop at once (GetBufferBlocks,             *)
(* WaitTimedOut).  MemAllocator.tla has no single step for either, so here *)
(* the thread blocks, its wait ends at once (cancelled, or WakesByItself), *)
(* and it returns at its next step (AwaitReturns).  Other threads may run  *)
(* in between, which Java does not allow: more behaviours, so every        *)
(* property checked here still holds for Java.                             *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets, TLC

CONSTANTS
    Threads,     \* the client threads that call the allocator (model values)
    MaxBuffers,  \* the largest cBuffers a client sets
    MaxRefs      \* the largest reference count a sample reaches (AddRef bound)

ASSUME ThreadsOk ==
    Assert(IsFiniteSet(Threads) /\ Threads # {},
           "Threads must be a finite, non-empty set of model values")
ASSUME MaxBuffersOk ==
    Assert(MaxBuffers \in Nat /\ MaxBuffers >= 1, "MaxBuffers must be a natural number >= 1")
ASSUME MaxRefsOk ==
    Assert(MaxRefs \in Nat /\ MaxRefs >= 1, "MaxRefs must be a natural number >= 1")

Buffers == 1..MaxBuffers

VARIABLES
    props,            \* props: the properties in force, as [count, layout]
    committed,        \* committed: getBuffer may hand out samples
    decommitPending,  \* decommitPending: a decommit waits for samples out
    buffers,          \* buffers: this commit cycle's buffer numbers; {} for null
    freeList,         \* freeList[0 .. freeCount): buffer numbers, top last
    refs,             \* refs[b]: buffer b's Sample.refs, 0 while free
    waiters,          \* waiters: getBuffer calls from GetBufferBlocks to return
    waitQueue,        \* threads parked in bufferFreeOrNotCommitted.await(), longest waiter first
    awaitExit,        \* awaitExit[t]: how t's await() ends once t has the lock
    interrupted,      \* interrupted[t]: t's interrupt status
    timed,            \* timed[t]: t is blocked in a timed getBuffer (it has a deadline)
    pc,               \* pc[t]: "awaitBuffer" while blocked in getBuffer, "idle", or "done" (Quit)
    result,           \* result[t]: what t's last call returned
    clientRef,        \* clientRef: the client's reference; false once closed
    selfRef           \* selfRef: Commit's self-reference, held exactly with memory

vars == <<props, committed, decommitPending, buffers, freeList, refs, waiters,
          waitQueue, awaitExit, interrupted, timed, pc, result, clientRef, selfRef>>

(* awaitExit values: "none" (in the wait queue, or not in awaitBuffer),    *)
(* "returns" (signalled, woken spuriously or timed out: await() returns    *)
(* normally), "throws" (its wait was cancelled by an interrupt: await()    *)
(* throws InterruptedException).                                           *)
AwaitExits == {"none", "returns", "throws"}

Range(s) == {s[i] : i \in DOMAIN s}
NoDuplicates(s) == \A i, j \in DOMAIN s : i # j => s[i] # s[j]
Outstanding == {b \in Buffers : refs[b] > 0}
Blocked == {t \in Threads : pc[t] = "awaitBuffer"}
Parked == Range(waitQueue)        \* the threads in the condition's wait queue
Destroyed == ~clientRef /\ ~selfRef

-----------------------------------------------------------------------------
(* The contract, and the refinement mapping.  A thread is "blocked" in the *)
(* contract from its GetBufferBlocks step to its final return: from the    *)
(* locked region that first calls await() to the one that leaves           *)
(* awaitBuffer.  Each step of a contract action happens in the locked      *)
(* region where Java reports it to SpecTrace (its linearization point);    *)
(* wake-ups, interrupts and waiting again are stuttering steps.            *)
AbsPc == [t \in Threads |-> IF pc[t] = "awaitBuffer" THEN "blocked" ELSE "idle"]

Abs == INSTANCE MemAllocator WITH freeList <- Range(freeList), pc <- AbsPc

Layouts == Abs!Layouts
Results == Abs!Results
CommitError == Abs!CommitError

-----------------------------------------------------------------------------
Init ==
    /\ props = [count |-> 0, layout |-> "sizeNotSet"]   \* AllocatorProperties.NONE
    /\ committed = FALSE
    /\ decommitPending = FALSE
    /\ buffers = {}
    /\ freeList = << >>
    /\ refs = [b \in Buffers |-> 0]
    /\ waiters = 0
    /\ waitQueue = << >>
    /\ awaitExit = [t \in Threads |-> "none"]
    /\ interrupted = [t \in Threads |-> FALSE]
    /\ timed = [t \in Threads |-> FALSE]
    /\ pc = [t \in Threads |-> "idle"]
    /\ result = [t \in Threads |-> "NONE"]
    /\ clientRef = TRUE
    /\ selfRef = FALSE

(* The closed world.  Open (the default): a waiter may be interrupted, its *)
(* deadline may pass and it may wake spuriously, and client threads never  *)
(* stop calling.  Closed (a configuration's "ClosedWorld <- ClosedWorldModel" *)
(* substitution, the model parameter that switches it): none of those      *)
(* spontaneous steps, no timed calls, and an idle thread may stop for good *)
(* (Quit).  Then a thread parked with nobody left to wake it has no step,  *)
(* and once every other thread has stopped nothing is enabled: TLC's       *)
(* deadlock check reports the lost wake-up.  In the open world the         *)
(* spontaneous steps are always enabled, so there it could not.            *)
ClosedWorld == FALSE
ClosedWorldModel == TRUE

(* A public method called by t: t is not inside another call, and the      *)
(* allocator is not closed (checkOpen refuses it, and that is no step).    *)
Call(t) == clientRef /\ pc[t] = "idle"
Return(t, hr) == result' = [result EXCEPT ![t] = hr]

(* The condition's queue without the threads S, the others in order.      *)
Dequeue(S) == SelectSeq(waitQueue, LAMBDA w : w \notin S)

(* The condition's wake-ups.  Wake(S) moves the threads S out of the wait  *)
(* queue, wherever they are in it; their await() will return normally once *)
(* they hold the lock.                                                     *)
Wake(S) ==
    /\ waitQueue' = Dequeue(S)
    /\ awaitExit' = [t \in Threads |-> IF t \in S THEN "returns" ELSE awaitExit[t]]

(* signal(): the head of the queue, the longest waiter (AQS's doSignal);   *)
(* nothing if the queue is empty.  A waiter that already left by interrupt *)
(* or timeout is not in the queue, so a signal never lands on it.          *)
Signal ==
    IF waitQueue = << >> THEN UNCHANGED <<waitQueue, awaitExit>>
    ELSE Wake({Head(waitQueue)})

SignalAll == Wake(Parked)

(* The two wake-ups of the design, as operators so that a mutant can       *)
(* replace one (spec/mutants/).  Microsoft broadcasts on every release;    *)
(* the Java signals one waiter per released buffer.                        *)
ReleaseWake == Signal
DecommitWake == SignalAll

(* t releases the lock and parks at the tail of the wait queue.  await()   *)
(* with the interrupt status set throws at once instead:                   *)
(* Thread.interrupted() clears the status, and the wait is over before it  *)
(* began (see the header: the one approximation).                          *)
Await(t) ==
    /\ pc' = [pc EXCEPT ![t] = "awaitBuffer"]
    /\ IF interrupted[t]
       THEN /\ waitQueue' = waitQueue
            /\ awaitExit' = [awaitExit EXCEPT ![t] = "throws"]
            /\ interrupted' = [interrupted EXCEPT ![t] = FALSE]
       ELSE /\ waitQueue' = Append(waitQueue, t)
            /\ awaitExit' = [awaitExit EXCEPT ![t] = "none"]
            /\ UNCHANGED interrupted

(* The top of the free stack, and pop(): the sample gets count 1.  Called  *)
(* only with a buffer free.                                                *)
Top == freeList[Len(freeList)]

Pop(t) ==
    /\ refs' = [refs EXCEPT ![Top] = 1]
    /\ freeList' = SubSeq(freeList, 1, Len(freeList) - 1)
    /\ Return(t, "S_OK")

-----------------------------------------------------------------------------
(* setProperties(request): checks in Microsoft's order; a pending          *)
(* decommit counts as samples outstanding.  Only an accepted request's     *)
(* count and layout matter, so a refused call is one step whatever the     *)
(* request (MemAllocator's SetProperties(t, c, l, alignOk) for some c, l). *)
SetProperties(t) ==
    /\ Call(t)
    /\ \/ /\ Return(t, "VFW_E_BADALIGN")                \* !request.hasValidAlignment()
          /\ UNCHANGED props
       \/ /\ committed
          /\ Return(t, "VFW_E_ALREADY_COMMITTED")
          /\ UNCHANGED props
       \/ /\ ~committed /\ Outstanding # {}
          /\ Return(t, "VFW_E_BUFFERS_OUTSTANDING")
          /\ UNCHANGED props
       \/ /\ ~committed /\ Outstanding = {}
          /\ \E c \in 0..MaxBuffers, l \in Layouts : props' = [count |-> c, layout |-> l]
          /\ Return(t, "S_OK")
    /\ UNCHANGED <<committed, decommitPending, buffers, freeList, refs, waiters, waitQueue,
                   awaitExit, interrupted, timed, pc, clientRef, selfRef>>

(* commit's "if (decommitPending)" branch: the decommit is cancelled,      *)
(* nothing is allocated, no second self-reference.                         *)
CommitCancelsPendingDecommit ==
    /\ committed' = TRUE
    /\ decommitPending' = FALSE
    /\ UNCHANGED <<buffers, freeList, selfRef>>

(* allocate(): new samples 1..count, all free, buffer 1 on top; the        *)
(* self-reference.                                                         *)
Allocate ==
    /\ committed' = TRUE
    /\ buffers' = 1..props.count
    /\ freeList' = [i \in 1..props.count |-> props.count + 1 - i]
    /\ selfRef' = TRUE
    /\ UNCHANGED decommitPending

Commit(t) ==
    /\ Call(t)
    /\ CASE committed ->                                   \* nothing to do
              /\ Return(t, "S_OK")
              /\ UNCHANGED <<committed, decommitPending, buffers, freeList, selfRef>>
         [] ~committed /\ decommitPending ->
              CommitCancelsPendingDecommit /\ Return(t, "S_OK")
         [] ~committed /\ ~decommitPending /\ CommitError # "S_OK" ->   \* props.commitError()
              /\ Return(t, CommitError)
              /\ UNCHANGED <<committed, decommitPending, buffers, freeList, selfRef>>
         [] ~committed /\ ~decommitPending /\ CommitError = "S_OK" ->
              Allocate /\ Return(t, "S_OK")
    /\ UNCHANGED <<props, refs, waiters, waitQueue, awaitExit, interrupted, timed, pc, clientRef>>

(* dropMemory(): the decommit completes; memory and self-reference go.     *)
DropMemory ==
    /\ buffers' = {}
    /\ freeList' = << >>
    /\ decommitPending' = FALSE
    /\ selfRef' = FALSE

(* decommitEffect's "if (outstanding() > 0)": the memory must stay while   *)
(* a sample is out.                                                        *)
DecommitMustWait == Outstanding # {}

(* decommitEffect(), shared by decommit and close.                         *)
DecommitEffect ==
    IF ~committed
    THEN UNCHANGED <<committed, decommitPending, buffers, freeList, selfRef, waitQueue, awaitExit>>
    ELSE /\ committed' = FALSE
         /\ IF DecommitMustWait
            THEN /\ decommitPending' = TRUE
                 /\ UNCHANGED <<buffers, freeList, selfRef>>
            ELSE DropMemory
         /\ IF waiters > 0 THEN DecommitWake ELSE UNCHANGED <<waitQueue, awaitExit>>

Decommit(t) ==
    /\ Call(t)
    /\ DecommitEffect
    /\ Return(t, "S_OK")
    /\ UNCHANGED <<props, refs, waiters, interrupted, timed, pc, clientRef>>

Close(t) ==
    /\ Call(t)
    /\ DecommitEffect
    /\ clientRef' = FALSE
    /\ Return(t, "S_OK")
    /\ UNCHANGED <<props, refs, waiters, interrupted, timed, pc>>

(* What one blocked getBuffer adds to waiters from its first await() to    *)
(* its return: one (waiters++ before the loop).  An operator so that a     *)
(* mutant can count the waiter only after its wait (mutants/).             *)
WaiterCountRaise == 1

(* take(flags, timed, deadline): the locked region up to the first         *)
(* await().  Not committed: GetBufferNotCommitted.  A buffer free:         *)
(* GetBufferOk (even for an interrupted thread: lock(), not                *)
(* lockInterruptibly()).  Nothing free: GetBufferTimeout with              *)
(* AM_GBF_NOWAIT or a timeout <= 0, otherwise awaitBuffer:                 *)
(* GetBufferBlocks, waiters++, await().                                    *)
GetBuffer(t) ==
    /\ Call(t)
    /\ CASE ~committed ->
              /\ Return(t, "VFW_E_NOT_COMMITTED")
              /\ UNCHANGED <<freeList, refs, waiters, waitQueue, awaitExit, interrupted, timed, pc>>
         [] committed /\ freeList # << >> ->
              /\ Pop(t)
              /\ UNCHANGED <<waiters, waitQueue, awaitExit, interrupted, timed, pc>>
         [] committed /\ freeList = << >> ->
              \/ /\ Return(t, "VFW_E_TIMEOUT")                        \* AM_GBF_NOWAIT
                 /\ UNCHANGED <<freeList, refs, waiters, waitQueue, awaitExit, interrupted, timed, pc>>
              \/ /\ Return(t, "NONE")                                 \* awaitBuffer
                 /\ waiters' = waiters + WaiterCountRaise
                 /\ \E tm \in IF ClosedWorld THEN {FALSE} ELSE BOOLEAN :
                       timed' = [timed EXCEPT ![t] = tm]
                 /\ Await(t)
                 /\ UNCHANGED <<freeList, refs>>
    /\ UNCHANGED <<props, committed, decommitPending, buffers, clientRef, selfRef>>

(* Leaving awaitBuffer: waiters-- (in the catch block, or after the loop). *)
ExitAwaitBuffer(t) ==
    /\ pc' = [pc EXCEPT ![t] = "idle"]
    /\ awaitExit' = [awaitExit EXCEPT ![t] = "none"]
    /\ timed' = [timed EXCEPT ![t] = FALSE]
    /\ waiters' = waiters - WaiterCountRaise

LeaveAwaitBuffer(t, hr) == ExitAwaitBuffer(t) /\ Return(t, hr)

(* The catch block: await() threw InterruptedException; waiters--,         *)
(* WaitInterrupted, rethrow.  The pool is unchanged, the status clear.     *)
AwaitThrows(t) ==
    /\ LeaveAwaitBuffer(t, "INTERRUPTED")
    /\ UNCHANGED <<freeList, refs, waitQueue, interrupted>>

(* The while condition of awaitBuffer, but for its deadline part: wait     *)
(* (again) while committed with nothing free.                              *)
WaitAgain == committed /\ freeList = << >>

(* After the loop: WakeNotCommitted; WaitTimedOut if nothing is free (the  *)
(* loop ended by the deadline of a timed call); else pop (WakeWithSample). *)
LeaveLoop(t) ==
    /\ IF ~committed
       THEN LeaveAwaitBuffer(t, "VFW_E_NOT_COMMITTED") /\ UNCHANGED <<freeList, refs>>
       ELSE IF freeList = << >>
       THEN LeaveAwaitBuffer(t, "VFW_E_TIMEOUT") /\ UNCHANGED <<freeList, refs>>
       ELSE ExitAwaitBuffer(t) /\ Pop(t)
    /\ UNCHANGED <<waitQueue, interrupted>>

(* The locked region after await() returns or throws: t has left the wait  *)
(* queue and has the lock again.  While committed with nothing free, it    *)
(* waits again, unless it is timed and its deadline has passed (a free     *)
(* choice: clock values are not modelled).                                 *)
AwaitReturns(t) ==
    /\ pc[t] = "awaitBuffer"
    /\ t \notin Parked
    /\ IF awaitExit[t] = "throws" THEN AwaitThrows(t)
       ELSE IF ~WaitAgain THEN LeaveLoop(t)
       ELSE \/ Await(t) /\ UNCHANGED <<freeList, refs, waiters, timed, result>>
            \/ timed[t] /\ LeaveLoop(t)
    /\ UNCHANGED <<props, committed, decommitPending, buffers, clientRef, selfRef>>

(* A wake-up that no allocator method causes: a spurious one (the          *)
(* Condition contract allows them), or awaitNanos' deadline.  Either way   *)
(* AQS takes the waiter off the condition queue first, so no later signal  *)
(* lands on it, and await() returns normally: the loop re-checks and, for  *)
(* a timeout, finds the deadline passed.  The lock is not involved.        *)
WakesByItself(t) ==
    /\ ~ClosedWorld
    /\ t \in Parked
    /\ Wake({t})
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, refs, waiters,
                   interrupted, timed, pc, result, clientRef, selfRef>>

(* Thread.interrupt() on a thread in awaitBuffer whose status is clear.    *)
(* In the wait queue: its wait is cancelled (it leaves the queue wherever  *)
(* it is) and await() will throw.                                          *)
(* Already woken: await() returns normally with the status set again, and  *)
(* the thread's next await(), in this call or a later one, throws at once. *)
Interrupt(t) ==
    /\ ~ClosedWorld
    /\ pc[t] = "awaitBuffer"
    /\ ~interrupted[t]
    /\ awaitExit[t] # "throws"
    /\ IF t \in Parked
       THEN /\ waitQueue' = Dequeue({t})
            /\ awaitExit' = [awaitExit EXCEPT ![t] = "throws"]
            /\ UNCHANGED interrupted
       ELSE /\ interrupted' = [interrupted EXCEPT ![t] = TRUE]
            /\ UNCHANGED <<waitQueue, awaitExit>>
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, refs, waiters,
                   timed, pc, result, clientRef, selfRef>>

(* Sample steps, by whoever holds the sample (steps carry no thread).      *)
AddRef(b) ==
    /\ refs[b] \in 1..(MaxRefs - 1)
    /\ refs' = [refs EXCEPT ![b] = @ + 1]
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, waiters, waitQueue,
                   awaitExit, interrupted, timed, pc, result, clientRef, selfRef>>

(* returnBuffer's last test: this was the last sample out while a          *)
(* decommit is pending (freeCount == buffers.length after the push).       *)
CompletesPendingDecommit(b) == decommitPending /\ Outstanding = {b}

(* returnBuffer(s): push, signal one waiter if there are waiters, and      *)
(* complete a pending decommit if this was the last sample out.            *)
ReturnBuffer(b) ==
    /\ IF waiters > 0 THEN ReleaseWake ELSE UNCHANGED <<waitQueue, awaitExit>>
    /\ IF CompletesPendingDecommit(b)
       THEN DropMemory
       ELSE /\ freeList' = Append(freeList, b)
            /\ UNCHANGED <<decommitPending, buffers, selfRef>>

(* Sample.release(): the final release (count 1 -> 0) is ReturnBuffer in   *)
(* the same locked region.                                                 *)
Release(b) ==
    /\ refs[b] > 0
    /\ refs' = [refs EXCEPT ![b] = @ - 1]
    /\ IF refs[b] = 1
       THEN ReturnBuffer(b)
       ELSE UNCHANGED <<decommitPending, buffers, freeList, selfRef, waitQueue, awaitExit>>
    /\ UNCHANGED <<props, committed, waiters, interrupted, timed, pc, result, clientRef>>

(* Closed world only: an idle thread stops calling, for good.  No Java     *)
(* step; the contract sees the thread idle (AbsPc).                        *)
Quit(t) ==
    /\ ClosedWorld
    /\ pc[t] = "idle"
    /\ pc' = [pc EXCEPT ![t] = "done"]
    /\ UNCHANGED <<props, committed, decommitPending, buffers, freeList, refs, waiters, waitQueue,
                   awaitExit, interrupted, timed, result, clientRef, selfRef>>

(* Nothing is left to happen once every call has returned and the          *)
(* allocator is destroyed, or (closed world) every thread has stopped and  *)
(* every sample is back.                                                   *)
Terminating ==
    /\ Blocked = {}
    /\ \/ Destroyed
       \/ (\A t \in Threads : pc[t] = "done") /\ Outstanding = {}
    /\ UNCHANGED vars

Next ==
    \/ \E t \in Threads :
          \/ SetProperties(t)
          \/ Commit(t)
          \/ Decommit(t)
          \/ Close(t)
          \/ GetBuffer(t)
          \/ AwaitReturns(t)
          \/ WakesByItself(t)
          \/ Interrupt(t)
          \/ Quit(t)
    \/ \E b \in Buffers : AddRef(b) \/ Release(b)
    \/ Terminating

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Fairness.  Clients are never obliged to call anything, and no thread    *)
(* is ever obliged to be interrupted, time out or wake spuriously.  No     *)
(* fairness is assumed about which waiter a signal() wakes: the FIFO wait  *)
(* queue decides it (a parked thread moves up with every signal, and new   *)
(* waiters queue behind it), and NoWaiterParkedForever checks the result.  *)
(*  - SamplesComeBack: holders give their samples back, as in              *)
(*    MemAllocator.tla.                                                    *)
(*  - WokenWaiterWinsEventually: a woken waiter that could take a free     *)
(*    buffer infinitely often does so, and one that could see the          *)
(*    allocator decommitted infinitely often does so.  These are           *)
(*    MemAllocator.tla's strong fairness of WakeWithSample and of          *)
(*    WakeNotCommitted, one for one.  (One strong fairness of "leaves the  *)
(*    loop" is weaker: a waiter could then be woken with a buffer free and *)
(*    lose it to a Decommit every time, which the contract forbids.)       *)
(*    They imply that a woken waiter gets the lock at all (one that could  *)
(*    only wait again always sees a sample come back later), which a       *)
(*    non-fair ReentrantLock gives only in practice: the head of its queue *)
(*    is unparked at every unlock, but a thread calling in may take the    *)
(*    lock first (barging), and nothing bounds how often.  And strong      *)
(*    fairness is what a non-fair lock does not give: a thread calling     *)
(*    getBuffer may take the lock between the signal and the waiter, take  *)
(*    the buffer, and the waiter waits again, for ever.  WeakFairSpec has  *)
(*    only weak fairness here, and the Starvation model shows that lasso.  *)
(*    A fair ReentrantLock(true) serves its queue in order, but a thread   *)
(*    may still call in before the woken waiter has queued, so even then   *)
(*    this remains an assumption about scheduling, as in MemAllocator.tla. *)
SamplesComeBack ==
    \A b \in Buffers :
        /\ WF_vars(Release(b))
        /\ SF_vars(Release(b) /\ refs[b] = 1)

(* The outcomes of AwaitReturns(t) that MemAllocator.tla's FairSpec makes  *)
(* strongly fair: WakeWithSample and WakeNotCommitted.                     *)
AwaitReturnsWithSample(t) == AwaitReturns(t) /\ committed /\ freeList # << >>
AwaitReturnsNotCommitted(t) == AwaitReturns(t) /\ ~committed

WokenWaiterWinsEventually ==
    \A t \in Threads :
        /\ SF_vars(AwaitReturnsWithSample(t))
        /\ SF_vars(AwaitReturnsNotCommitted(t))

FairSpec ==
    /\ Spec
    /\ SamplesComeBack
    /\ WokenWaiterWinsEventually

(* The same with only weak fairness for a woken waiter's outcome: the      *)
(* non-fair lock, honestly.  WaitersEventuallyReturn fails (the            *)
(* MemAllocatorMonitorStarvation model, an expected counterexample).       *)
WeakFairSpec ==
    /\ Spec
    /\ SamplesComeBack
    /\ \A t \in Threads :
          /\ WF_vars(AwaitReturnsWithSample(t))
          /\ WF_vars(AwaitReturnsNotCommitted(t))

-----------------------------------------------------------------------------
(* The sequences over S of length n at most (IInvInit enumerates them).    *)
SeqsUpTo(S, n) == UNION {[1..k -> S] : k \in 0..n}

(* Safety: the invariants of MonitorMemAllocator's class comment, and the  *)
(* monitor's own.                                                          *)
TypeOK ==
    /\ props \in [count : 0..MaxBuffers, layout : Layouts]
    /\ committed \in BOOLEAN
    /\ decommitPending \in BOOLEAN
    /\ buffers \subseteq Buffers
    /\ freeList \in Seq(Buffers) /\ Len(freeList) <= MaxBuffers
    /\ refs \in [Buffers -> 0..MaxRefs]
    /\ waiters \in 0..Cardinality(Threads)
    /\ waitQueue \in Seq(Threads) /\ Len(waitQueue) <= Cardinality(Threads)
    /\ awaitExit \in [Threads -> AwaitExits]
    /\ interrupted \in [Threads -> BOOLEAN]
    /\ timed \in [Threads -> BOOLEAN]
    /\ pc \in [Threads -> {"idle", "awaitBuffer", "done"}]
    /\ result \in [Threads -> Results]
    /\ clientRef \in BOOLEAN
    /\ selfRef \in BOOLEAN

(* freeCount + outstanding == buffers.length, and refs > 0 exactly for     *)
(* the outstanding samples: every allocated buffer is on the free list     *)
(* once, or held, never both.                                              *)
BuffersConserved ==
    /\ \A i, j \in DOMAIN freeList : i # j => freeList[i] # freeList[j]
    /\ Range(freeList) \cap Outstanding = {}
    /\ Range(freeList) \cup Outstanding = buffers

(* The memory stays as long as any sample is out.                          *)
MemoryHeldWhileSamplesOut == Outstanding \subseteq buffers

(* selfRef == (buffers != null); committed => selfRef                      *)
SelfReferenceWhileAllocated ==
    /\ selfRef <=> buffers # {}
    /\ committed => selfRef

(* decommitPending => !committed && outstanding > 0                        *)
DecommitPendingOnlyWhileSamplesOut == decommitPending => ~committed /\ Outstanding # {}

(* waiters == the getBuffer calls between GetBufferBlocks and their        *)
(* return, whether parked or woken.                                        *)
WaiterCountExact == waiters = Cardinality(Blocked)

(* Only blocked threads are in the wait queue, each once, and they have    *)
(* not been woken; only blocked calls are timed.                           *)
WaitQueueHoldsBlockedThreads ==
    /\ NoDuplicates(waitQueue)
    /\ Parked \subseteq Blocked
    /\ \A t \in Threads : awaitExit[t] # "none" => t \in Blocked \ Parked
    /\ \A t \in Threads : timed[t] => t \in Blocked

(* Decommit wakes every waiter, and nobody parks while the allocator is    *)
(* not committed: no thread sleeps through a decommit.                     *)
NoWaiterSleepsWhileDecommitted == ~committed => waitQueue = << >>

(* No lost wake-up: while a buffer is free, a thread parked in the wait    *)
(* queue is always matched by a woken waiter that will take that buffer or *)
(* see it go (a waiter woken to return normally re-checks before it can    *)
(* park again; one woken to throw does not count).                         *)
NoLostWakeup ==
    committed /\ freeList # << >> /\ waitQueue # << >>
        => \E t \in Blocked \ Parked : awaitExit[t] = "returns"

NeverDestroyedWithSamplesOut ==
    Destroyed => Outstanding = {} /\ ~decommitPending /\ buffers = {}

(* An untimed getBuffer that blocked returns a sample, NOT_COMMITTED or    *)
(* INTERRUPTED, never VFW_E_TIMEOUT.  The contract promises the same (its  *)
(* WaitTimedOut is enabled only for a timed wait, and timed maps to        *)
(* itself), so RefinesMemAllocator implies it; it is stated here on the   *)
(* monitor's own variables.                                                *)
UntimedWaitsNeverTimeOut ==
    [][\A t \in Threads :
          pc[t] = "awaitBuffer" /\ ~timed[t] => result'[t] # "VFW_E_TIMEOUT"]_vars

(* Refinement: Spec => Abs!Spec, checked in its two parts so that TLC      *)
(* names a violation ("Action property RefinesMemAllocator").  The         *)
(* contract's invariants and action properties then hold of the monitor    *)
(* too, under the mapping.                                                 *)
RefinementInit == Abs!Init
RefinesMemAllocator == [][Abs!Next]_(Abs!vars)

(* Liveness.  WaitersEventuallyReturn is the contract's promise; FairSpec  *)
(* gives it only to a waiter that wakes by itself (spuriously, or by its   *)
(* deadline and then waits again) finitely often: each such wake-up takes  *)
(* it out of the queue, and if it must wait again it parks at the tail,    *)
(* behind threads that called later.  Woken so at every wrong moment, a    *)
(* waiter is overtaken for ever (two threads, one buffer suffice).  The    *)
(* JDK's await() does not wake spuriously and a passed deadline ends the   *)
(* call, so in Java this needs a Condition that wakes spuriously for ever. *)
WaitersEventuallyReturn ==
    \A t \in Threads : pc[t] = "awaitBuffer" ~> pc[t] = "idle"

WaitersReturnUnlessSelfWokenForEver ==
    \A t \in Threads :
        \/ pc[t] = "awaitBuffer" ~> pc[t] = "idle"
        \/ []<><<WakesByItself(t)>>_vars

DecommitEventuallyCompletes ==
    decommitPending ~> ~decommitPending

(* What holds under WeakFairSpec (the non-fair lock), where a single      *)
(* waiter may starve: system-wide progress (a free buffer does not idle   *)
(* beside a waiter for ever: someone takes it, or the allocator is        *)
(* decommitted), no waiter sleeps through a decommit, and pending          *)
(* decommits complete (MemAllocatorMonitorWeakFair).                       *)
NoBufferIdlesBesideAWaiter ==
    committed /\ freeList # << >> /\ Blocked # {}
        ~> ~committed \/ freeList = << >> \/ Blocked = {}

NoWaiterSleepsThroughDecommit ==
    \A t \in Threads : pc[t] = "awaitBuffer" /\ ~committed ~> pc[t] # "awaitBuffer" \/ committed

(* What the FIFO wait queue gives, under WeakFairSpec too: a thread parked *)
(* in the queue leaves it.  Every final release signals the head while a   *)
(* thread waits, samples come back (SamplesComeBack), and new waiters      *)
(* queue behind it, so it reaches the head and is woken.  (Whether it then *)
(* wins the lock race is WaitersEventuallyReturn's business.)  A signal()  *)
(* that wakes the newest waiter breaks it: mutants/SignalNewestWaiter.     *)
NoWaiterParkedForever ==
    \A t \in Threads : t \in Parked ~> t \notin Parked

(* The contract's fairness, through the mapping.  FairSpec does NOT imply  *)
(* it (MemAllocatorMonitorFairRefinement, an expected counterexample):     *)
(* once a thread's wait is cancelled by an interrupt its outcome is fixed  *)
(* (INTERRUPTED), but the contract still sees it blocked, and its strong   *)
(* fairness of WakeWithSample and WakeNotCommitted then demands that a     *)
(* thread interrupted every time a buffer comes back or the allocator is   *)
(* decommitted eventually take the buffer or see the decommit.  Without    *)
(* interrupts and wake-ups by itself (Interrupt <- NeverInterrupted,       *)
(* WakesByItself <- NeverWakesByItself) it still fails, by the FIFO queue: *)
(* that strong fairness counts every moment a buffer is free while t is    *)
(* blocked, across all of t's calls, and a thread that parks second in     *)
(* every round (each round ended by a Decommit) is never served.  Every    *)
(* call returns; the contract's per-thread fairness is just stronger than  *)
(* any FIFO queue.  The contract's liveness properties hold (the default   *)
(* model).                                                                 *)
RefinesFairMemAllocator == Abs!FairSpec

NeverInterrupted(t) == FALSE
NeverWakesByItself(t) == FALSE

-----------------------------------------------------------------------------
(* The inductive invariant.  IInv holds initially and every step from any  *)
(* state satisfying it leads to a state satisfying it: checked by TLC from *)
(* EVERY type-correct state satisfying IInv, reachable or not              *)
(* (MemAllocatorMonitorIInv.cfg: INIT IInvInit, NEXT Next, INVARIANT       *)
(* IInv), not just from Init.  It is the safety invariants plus what makes *)
(* them inductive: memory exists exactly while committed or pending, laid  *)
(* out as the properties say; a closed allocator is not committed; and,    *)
(* for NoLostWakeup, while threads are parked there are at least as many   *)
(* woken waiters (await() to return normally) as free buffers.             *)
Woken == {t \in Blocked \ Parked : awaitExit[t] = "returns"}

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

WaitIInv ==                     \* and pc, waiters, waitQueue, awaitExit, timed, interrupted
    /\ WaiterCountExact
    /\ WaitQueueHoldsBlockedThreads
    /\ NoWaiterSleepsWhileDecommitted
    /\ NoLostWakeup
    /\ committed /\ waitQueue # << >> => Cardinality(Woken) >= Len(freeList)

IInv == TypeOK /\ MemoryIInv /\ BuffersIInv /\ WaitIInv

(* TypeOK /\ IInv, its conjuncts ordered so that TLC enumerates only the   *)
(* states that satisfy them (each filter follows the variables it reads),  *)
(* and with result fixed: no step reads result (it is only written), so    *)
(* its initial value cannot affect whether IInv is preserved.              *)
IInvInit ==
    /\ result = [t \in Threads |-> "NONE"]
    /\ props \in [count : 0..MaxBuffers, layout : Layouts]
    /\ committed \in BOOLEAN
    /\ decommitPending \in BOOLEAN
    /\ buffers \in SUBSET Buffers
    /\ selfRef \in BOOLEAN
    /\ clientRef \in BOOLEAN
    /\ MemoryIInv
    /\ freeList \in SeqsUpTo(Buffers, MaxBuffers)
    /\ refs \in [Buffers -> 0..MaxRefs]
    /\ BuffersIInv
    /\ pc \in [Threads -> {"idle", "awaitBuffer", "done"}]
    /\ waiters \in 0..Cardinality(Threads)
    /\ waitQueue \in {q \in SeqsUpTo(Threads, Cardinality(Threads)) : NoDuplicates(q)}
    /\ awaitExit \in [Threads -> AwaitExits]
    /\ timed \in [Threads -> BOOLEAN]
    /\ interrupted \in [Threads -> BOOLEAN]
    /\ WaitIInv
    /\ IInv

(* What is checked, and where (TLC, finite models; see spec/README.md).    *)
Safety ==
    /\ TypeOK /\ WaiterCountExact /\ WaitQueueHoldsBlockedThreads
    /\ NoWaiterSleepsWhileDecommitted /\ NoLostWakeup /\ MemoryHeldWhileSamplesOut
    /\ BuffersConserved /\ SelfReferenceWhileAllocated
    /\ DecommitPendingOnlyWhileSamplesOut /\ NeverDestroyedWithSamplesOut
Liveness == WaitersReturnUnlessSelfWokenForEver /\ DecommitEventuallyCompletes
WeakLiveness ==
    /\ DecommitEventuallyCompletes /\ NoBufferIdlesBesideAWaiter /\ NoWaiterSleepsThroughDecommit
    /\ NoWaiterParkedForever

THEOREM Spec => []IInv              \* MemAllocatorMonitor.cfg (Init => IInv), MemAllocatorMonitorIInv.cfg
THEOREM Spec => []Safety            \* MemAllocatorMonitor.cfg; IInv => Safety
THEOREM Spec => Abs!Spec            \* RefinementInit, RefinesMemAllocator
THEOREM Spec => UntimedWaitsNeverTimeOut
THEOREM FairSpec => Liveness        \* MemAllocatorMonitor.cfg
THEOREM WeakFairSpec => WeakLiveness    \* MemAllocatorMonitorWeakFair.cfg (not WaitersEventuallyReturn: ...Starvation.cfg)

(* For safety-only models with more threads.                               *)
ThreadSymmetry == Permutations(Threads)
=============================================================================
