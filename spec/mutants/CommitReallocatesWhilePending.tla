--------------------- MODULE CommitReallocatesWhilePending ---------------------
(***************************************************************************)
(* Mutant: Commit while a decommit is pending allocates anew instead of    *)
(* cancelling the decommit.                                                *)
(*                                                                         *)
(*   commit():                                                             *)
(*         if (decommitPending) {                                          *)
(*             decommitPending = false;                                    *)
(*   -         committed = true;                                           *)
(*   +         hr = allocate();                                            *)
(*                                                                         *)
(* allocate() puts every buffer on the free list, including those still    *)
(* held, so one buffer can be handed to two holders.                       *)
(* Expected: Invariant BuffersConserved.                                   *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

CommitReallocatesWhilePending ==
    /\ decommitPending' = FALSE
    /\ committed' = TRUE
    /\ buffers' = 1..props.count
    /\ freeList' = [i \in 1..props.count |-> props.count + 1 - i]
    /\ selfRef' = TRUE
=============================================================================
