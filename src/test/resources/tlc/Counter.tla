---- MODULE Counter ----
\* A counter that passes its bound: TLC must report Invariant BelowThree violated at depth 4.
EXTENDS Naturals
VARIABLE x
Init == x = 0
Next == x' = x + 1
BelowThree == x < 3
====
