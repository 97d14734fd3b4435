package org.memallocator.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A TLA+ value as TLC prints it, in a canonical form: two values are equal exactly when TLC
 * considers them equal, and {@link #toString()} prints equal values identically. This is what
 * lets a state of the executable model be compared with a node label of TLC's state graph
 * ({@link TlaValueParser} reads the labels).
 *
 * <p>Canonical form: sets are sorted and without duplicates (an interval {@code 1..3} is the set
 * {@code {1, 2, 3}}); a function whose domain is {@code 1..n} is a {@link Tuple} (as TLC prints
 * it); a non-empty function whose domain is all strings is a {@link RecordValue}; the empty
 * function is the empty tuple. Build values with the factories ({@link #set}, {@link #function},
 * ...), which apply these rules.
 *
 * <p>The order ({@link #compareTo}) is total: by kind (booleans, integers, strings, model values,
 * tuples, sets, records, functions), then by content. It is only a canonical order, not TLC's.
 */
public sealed interface TlaValue extends Comparable<TlaValue> {

    /** {@code TRUE} or {@code FALSE}. */
    record Bool(boolean value) implements TlaValue {
        @Override
        public String toString() {
            return value ? "TRUE" : "FALSE";
        }
    }

    /** An integer. TLC's integers are 32-bit; a long holds any of them. */
    record Int(long value) implements TlaValue {
        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** A string, printed with {@code \"} and {@code \\} escaped. */
    record Str(String value) implements TlaValue {
        public Str {
            if (value == null) {
                throw new IllegalArgumentException("null string");
            }
        }

        @Override
        public String toString() {
            return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
    }

    /** A model value, such as a thread {@code t1}, printed bare. */
    record ModelValue(String name) implements TlaValue {
        public ModelValue {
            if (!TlaValueParser.isIdentifier(name)) {
                throw new IllegalArgumentException("not an identifier: " + name);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code <<a, b>>}: a function with domain {@code 1..n}. */
    record Tuple(List<TlaValue> elements) implements TlaValue {
        public Tuple {
            elements = List.copyOf(elements);
        }

        @Override
        public String toString() {
            return join("<<", elements, ">>");
        }
    }

    /** {@code {a, b}}: sorted, without duplicates. */
    record SetValue(List<TlaValue> elements) implements TlaValue {
        public SetValue {
            elements = List.copyOf(new TreeSet<>(elements));
        }

        @Override
        public String toString() {
            return join("{", elements, "}");
        }
    }

    /** {@code [count |-> 0, layout |-> "valid"]}: fields sorted by name. */
    record RecordValue(SortedMap<String, TlaValue> fields) implements TlaValue {
        public RecordValue {
            if (fields.isEmpty()) {
                throw new IllegalArgumentException("a record has at least one field");
            }
            fields = Collections.unmodifiableSortedMap(new TreeMap<>(fields));
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            fields.forEach((name, value) -> parts.add(name + " |-> " + value));
            return "[" + String.join(", ", parts) + "]";
        }
    }

    /**
     * {@code (t1 :> "idle" @@ t2 :> "idle")}: a non-empty function that is neither a tuple nor a
     * record, entries sorted by argument.
     */
    record FunctionValue(SortedMap<TlaValue, TlaValue> mapping) implements TlaValue {
        public FunctionValue {
            if (mapping.isEmpty()) {
                throw new IllegalArgumentException("the empty function is the empty tuple");
            }
            mapping = Collections.unmodifiableSortedMap(new TreeMap<>(mapping));
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            mapping.forEach((arg, value) -> parts.add(arg + " :> " + value));
            return "(" + String.join(" @@ ", parts) + ")";
        }
    }

    // ------------------------------------------------------------ factories

    static Bool bool(boolean value) {
        return new Bool(value);
    }

    static Int integer(long value) {
        return new Int(value);
    }

    static Str string(String value) {
        return new Str(value);
    }

    static ModelValue modelValue(String name) {
        return new ModelValue(name);
    }

    static Tuple tuple(List<? extends TlaValue> elements) {
        return new Tuple(List.copyOf(elements));
    }

    static SetValue set(List<? extends TlaValue> elements) {
        return new SetValue(List.copyOf(elements));
    }

    /** {@code lo..hi} as the set it denotes; empty when {@code hi < lo}. */
    static SetValue interval(long lo, long hi) {
        List<TlaValue> elements = new ArrayList<>();
        for (long i = lo; i <= hi; i++) {
            elements.add(new Int(i));
        }
        return new SetValue(elements);
    }

    static RecordValue record(Map<String, ? extends TlaValue> fields) {
        return new RecordValue(new TreeMap<>(fields));
    }

    /**
     * The function with this mapping, in canonical form: a {@link Tuple} when the domain is
     * {@code 1..n} (or empty), a {@link RecordValue} when every argument is a string, else a
     * {@link FunctionValue}.
     */
    static TlaValue function(Map<? extends TlaValue, ? extends TlaValue> mapping) {
        SortedMap<TlaValue, TlaValue> sorted = new TreeMap<>(mapping);
        if (sorted.keySet().equals(new TreeSet<>(interval(1, sorted.size()).elements()))) {
            return new Tuple(new ArrayList<>(sorted.values()));
        }
        if (sorted.keySet().stream().allMatch(arg -> arg instanceof Str)) {
            SortedMap<String, TlaValue> fields = new TreeMap<>();
            sorted.forEach((arg, value) -> fields.put(((Str) arg).value(), value));
            return new RecordValue(fields);
        }
        return new FunctionValue(sorted);
    }

    // ------------------------------------------------------------ order

    @Override
    default int compareTo(TlaValue other) {
        int byKind = Integer.compare(kind(this), kind(other));
        if (byKind != 0) {
            return byKind;
        }
        if (this instanceof Bool a) {
            return Boolean.compare(a.value(), ((Bool) other).value());
        } else if (this instanceof Int a) {
            return Long.compare(a.value(), ((Int) other).value());
        } else if (this instanceof Str a) {
            return a.value().compareTo(((Str) other).value());
        } else if (this instanceof ModelValue a) {
            return a.name().compareTo(((ModelValue) other).name());
        } else if (this instanceof Tuple a) {
            return compareLists(a.elements(), ((Tuple) other).elements());
        } else if (this instanceof SetValue a) {
            return compareLists(a.elements(), ((SetValue) other).elements());
        } else if (this instanceof RecordValue a) {
            return compareEntries(a.fields(), ((RecordValue) other).fields());
        } else {
            return compareEntries(((FunctionValue) this).mapping(), ((FunctionValue) other).mapping());
        }
    }

    private static int kind(TlaValue v) {
        if (v instanceof Bool) {
            return 0;
        } else if (v instanceof Int) {
            return 1;
        } else if (v instanceof Str) {
            return 2;
        } else if (v instanceof ModelValue) {
            return 3;
        } else if (v instanceof Tuple) {
            return 4;
        } else if (v instanceof SetValue) {
            return 5;
        } else if (v instanceof RecordValue) {
            return 6;
        } else {
            return 7;
        }
    }

    /** Lexicographic; a proper prefix comes first. */
    private static int compareLists(List<TlaValue> a, List<TlaValue> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Lexicographic over the (key, value) entries in key order. */
    private static <K extends Comparable<K>> int compareEntries(SortedMap<K, TlaValue> a,
                                                                SortedMap<K, TlaValue> b) {
        Iterator<Map.Entry<K, TlaValue>> i = a.entrySet().iterator();
        Iterator<Map.Entry<K, TlaValue>> j = b.entrySet().iterator();
        while (i.hasNext() && j.hasNext()) {
            Map.Entry<K, TlaValue> x = i.next();
            Map.Entry<K, TlaValue> y = j.next();
            int c = x.getKey().compareTo(y.getKey());
            if (c == 0) {
                c = x.getValue().compareTo(y.getValue());
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static String join(String open, List<TlaValue> elements, String close) {
        List<String> parts = new ArrayList<>();
        for (TlaValue e : elements) {
            parts.add(e.toString());
        }
        return open + String.join(", ", parts) + close;
    }

    // ------------------------------------------------------------ states

    /**
     * A state in canonical form: one {@code /\ name = value} line per variable, variables sorted by
     * name, lines separated by {@code \n}. TLC's labels list the same conjuncts in another order
     * and may break long values over lines; {@link TlaValueParser#parseState} reads them.
     */
    static String renderState(SortedMap<String, TlaValue> variables) {
        List<String> lines = new ArrayList<>();
        variables.forEach((name, value) -> lines.add("/\\ " + name + " = " + value));
        return String.join("\n", lines);
    }
}
