-------------------------- MODULE DecommitFreesEarly --------------------------
(***************************************************************************)
(* Mutant: decommit drops the memory even while samples are out (what      *)
(* Wine's final allocator Release does).                                   *)
(*                                                                         *)
(*   decommitEffect():                                                     *)
(*   -     if (outstanding() > 0) {                                        *)
(*   +     if (false) {                                                    *)
(*                                                                         *)
(* Expected: Invariant MemoryHeldWhileSamplesOut (a sample is held whose   *)
(* buffer is no longer allocated).                                         *)
(***************************************************************************)
EXTENDS MemAllocatorMonitor

DecommitFreesEarly == FALSE
=============================================================================
