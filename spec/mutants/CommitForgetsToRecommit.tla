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
(* At first no monitor invariant notices: the allocator just sits          *)
(* decommitted, holding its memory and self-reference, and Commit returns  *)
(* S_OK without committing.  The contract sees it at once: its Commit from *)
(* a pending decommit commits.  Expected: Action property                  *)
(* RefinesMemAllocator first; with -continue also BuffersConserved and     *)
(* TypeOK (a later Commit allocates anew under the samples still out).     *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

CommitForgetsToRecommit ==
    /\ decommitPending' = FALSE
    /\ UNCHANGED <<committed, buffers, freeList, selfRef>>
=============================================================================
