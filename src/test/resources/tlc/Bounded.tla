---- MODULE Bounded ----
\* A counter that stops at 3: no error, 4 distinct states.
EXTENDS Naturals
VARIABLE x
Init == x = 0
Next == x < 3 /\ x' = x + 1
Stutter == x = 3 /\ UNCHANGED x
Spec == Init /\ [][Next \/ Stutter]_x
BelowFour == x < 4
====
