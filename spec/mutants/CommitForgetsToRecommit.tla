------------------------ MODULE CommitForgetsToRecommit ------------------------
(***************************************************************************)
(* Mutant: Commit during a pending decommit cancels the decommit but does  *)
(* not commit again.                                                       *)
(*                                                                         *)
(*   commit():                                                             *)
(*         if (decommitPending) {                                          *)
(*             decommitPending = false;                                    *)
(*   -         committed = true;                                           *)
(*         }                                                               *)
(*                                                                         *)
(* Every monitor invariant still holds: the allocator just sits            *)
(* decommitted, holding its memory and self-reference, and Commit returns  *)
(* S_OK without committing.  Only the contract sees it: its Commit from a  *)
(* pending decommit commits.                                               *)
(* Expected: Action property RefinesMemAllocator.                          *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

CommitForgetsToRecommit ==
    /\ decommitPending' = FALSE
    /\ UNCHANGED <<committed, buffers, freeList, selfRef>>
=============================================================================
