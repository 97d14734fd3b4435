package org.memallocator.modeltests.spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tla2sany.drivers.SANY;
import tla2sany.modanalyzer.SpecObj;
import tla2sany.semantic.ASTConstants;
import tla2sany.semantic.ExprOrOpArgNode;
import tla2sany.semantic.FormalParamNode;
import tla2sany.semantic.LetInNode;
import tla2sany.semantic.ModuleNode;
import tla2sany.semantic.OpApplNode;
import tla2sany.semantic.OpDefNode;
import tla2sany.semantic.SemanticNode;
import tla2sany.semantic.SubstInNode;
import tla2sany.st.Location;
import util.SimpleFilenameToStream;

/**
 * Every {@code CASE} of a module, read with SANY, and a TLA+ invariant per {@code CASE} that
 * says its arms are pairwise disjoint (and, without {@code OTHER}, that one of them holds).
 *
 * <p>TLA+ defines an overlapping {@code CASE} by {@code CHOOSE}: where two guards hold, which arm
 * applies is unspecified, and TLC silently takes the first. The invariant turns that into a
 * checked claim: TLC checks it on every reachable state of a model ({@link CaseArmsDisjointTest}).
 * A guard may use the parameters of the operator it is in; {@code t} ranges over {@code Threads}
 * and {@code b} over {@code Buffers}, the two parameter names of the spec's actions.
 */
final class CaseArms {

    /** The ranges of the actions' parameters. */
    private static final Map<String, String> PARAMETER_RANGES = Map.of("t", "Threads", "b", "Buffers");

    /**
     * One CASE.
     *
     * @param operator the operator whose definition holds it
     * @param params   that operator's parameters
     * @param guards   the guards' source text, in order (OTHER excluded)
     * @param other    whether it has an OTHER arm
     * @param line     where it starts
     */
    record Case(String operator, List<String> params, List<String> guards, boolean other, int line) {

        /** The invariant: arms pairwise disjoint, and exhaustive unless there is an OTHER. */
        String invariant() {
            List<String> conjuncts = new ArrayList<>();
            for (int i = 0; i < guards.size(); i++) {
                for (int j = i + 1; j < guards.size(); j++) {
                    conjuncts.add("~((" + guards.get(i) + ") /\\ (" + guards.get(j) + "))");
                }
            }
            if (!other) {
                conjuncts.add("((" + String.join(") \\/ (", guards) + "))");
            }
            StringBuilder body = new StringBuilder();
            for (String p : params) {
                String range = PARAMETER_RANGES.get(p);
                if (range == null) {
                    throw new IllegalStateException(operator + ": no range known for parameter " + p);
                }
                body.append("\\A ").append(p).append(" \\in ").append(range).append(" : ");
            }
            body.append('(').append(String.join(" /\\ ", conjuncts)).append(')');
            return body.toString();
        }
    }

    private CaseArms() {
    }

    /** The CASEs of the module in {@code file}, in source order. */
    static List<Case> of(Path file) {
        Path abs = file.toAbsolutePath();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SpecObj spec = new SpecObj(abs.toString(), new SimpleFilenameToStream(abs.getParent().toString()));
        int status;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            status = SANY.frontEndMain(spec, abs.toString(), out);
        } catch (Exception e) {
            throw new IllegalStateException("SANY failed on " + abs + ":\n" + log.toString(StandardCharsets.UTF_8), e);
        }
        ModuleNode root = spec.getExternalModuleTable() == null ? null : spec.getExternalModuleTable().getRootModule();
        if (status != 0 || root == null || spec.getErrorLevel() >= 3) {
            throw new IllegalStateException("SANY could not parse " + abs + ":\n" + log.toString(StandardCharsets.UTF_8));
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(abs, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String module = root.getName().toString();
        List<Case> cases = new ArrayList<>();
        for (OpDefNode d : root.getOpDefs()) {
            if (d.getKind() == ASTConstants.UserDefinedOpKind && module.equals(d.getLocation().source())) {
                List<String> params = new ArrayList<>();
                for (FormalParamNode p : d.getParams()) {
                    params.add(p.getName().toString());
                }
                walk(d.getBody(), module, d.getName().toString(), params, lines, cases);
            }
        }
        return cases;
    }

    private static void walk(SemanticNode node, String module, String operator, List<String> params, List<String> lines,
                             List<Case> cases) {
        if (node instanceof LetInNode let) {
            walk(let.getBody(), module, operator, params, lines, cases);
        } else if (node instanceof SubstInNode subst) {
            walk(subst.getBody(), module, operator, params, lines, cases);
        } else if (node instanceof OpApplNode app) {
            if (app.getOperator().getName().toString().equals("$Case")
                    && module.equals(app.getLocation().source())) {
                List<String> guards = new ArrayList<>();
                boolean other = false;
                for (ExprOrOpArgNode arm : app.getArgs()) {
                    ExprOrOpArgNode guard = ((OpApplNode) arm).getArgs()[0];
                    if (guard == null) {
                        other = true;
                    } else {
                        guards.add(text(guard.getLocation(), lines));
                    }
                }
                cases.add(new Case(operator, params, guards, other, app.getLocation().beginLine()));
            }
            for (ExprOrOpArgNode arg : app.getArgs()) {
                if (arg != null) {
                    walk(arg, module, operator, params, lines, cases);
                }
            }
        }
    }

    /** The source text at {@code at} (columns are 1-based, the end inclusive). */
    private static String text(Location at, List<String> lines) {
        StringBuilder s = new StringBuilder();
        for (int l = at.beginLine(); l <= at.endLine(); l++) {
            String line = lines.get(l - 1);
            int from = l == at.beginLine() ? at.beginColumn() - 1 : 0;
            int to = l == at.endLine() ? at.endColumn() : line.length();
            s.append(line, from, to).append('\n');
        }
        return s.toString().strip();
    }
}
