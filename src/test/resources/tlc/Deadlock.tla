---- MODULE Deadlock ----
\* Stops at 2 without a stuttering step: TLC must report a deadlock.
EXTENDS Naturals
VARIABLE x
Init == x = 0
Next == x < 2 /\ x' = x + 1
====
