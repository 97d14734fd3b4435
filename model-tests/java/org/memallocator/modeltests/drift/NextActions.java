package org.memallocator.modeltests.drift;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tla2sany.drivers.SANY;
import tla2sany.modanalyzer.SpecObj;
import tla2sany.semantic.ASTConstants;
import tla2sany.semantic.ExprOrOpArgNode;
import tla2sany.semantic.LetInNode;
import tla2sany.semantic.ModuleNode;
import tla2sany.semantic.OpApplNode;
import tla2sany.semantic.OpDefNode;
import tla2sany.semantic.SemanticNode;
import tla2sany.semantic.SubstInNode;
import util.SimpleFilenameToStream;

/**
 * The actions a spec's {@code Next} applies, read with SANY (in this JVM: {@code
 * SANY.frontEndMain} reports errors through its return value and the log stream, it does not call
 * {@code System.exit}; only {@code SANYmain} does).
 *
 * <p>Starting at the body of {@code Next}, the walk goes through disjunctions and conjunctions
 * ({@code \/}, {@code /\} and their bulleted lists), existential and universal quantifiers (their
 * bodies, not their bounds) and LET bodies; an application of an operator defined in the spec's
 * own module found there is an action. Anything else in such a position (IF, CASE, a built-in
 * operator) is reported as a construct the walk does not understand.
 */
final class NextActions {

    private static final Set<String> CONNECTIVES = Set.of("\\lor", "\\land", "$DisjList", "$ConjList",
            "$BoundedExists", "$UnboundedExists", "$BoundedForall", "$UnboundedForall");

    /**
     * @param actions      the actions, in the order Next names them
     * @param unrecognised constructs in action position the walk did not understand
     */
    record Result(Set<String> actions, List<String> unrecognised) {
    }

    private NextActions() {
    }

    /** Parses {@code specFile} (its directory is the module path) and walks {@code next}. */
    static Result of(Path specFile, String next) {
        ModuleNode root = parse(specFile);
        OpDefNode definition = null;
        for (OpDefNode d : root.getOpDefs()) {
            if (d.getName().toString().equals(next) && d.getKind() == ASTConstants.UserDefinedOpKind) {
                definition = d;
            }
        }
        if (definition == null) {
            throw new IllegalStateException(specFile + " defines no operator " + next);
        }
        Set<String> actions = new LinkedHashSet<>();
        List<String> unrecognised = new ArrayList<>();
        walk(definition.getBody(), root.getName().toString(), actions, unrecognised);
        return new Result(actions, unrecognised);
    }

    /** The operators {@code specFile}'s own module defines (not those of modules it extends or instantiates). */
    static Set<String> definedOperators(Path specFile) {
        ModuleNode root = parse(specFile);
        String module = root.getName().toString();
        Set<String> names = new LinkedHashSet<>();
        for (OpDefNode d : root.getOpDefs()) {
            if (d.getKind() == ASTConstants.UserDefinedOpKind && module.equals(d.getLocation().source())) {
                names.add(d.getName().toString());
            }
        }
        return names;
    }

    private static ModuleNode parse(Path specFile) {
        Path file = specFile.toAbsolutePath();
        String dir = file.getParent().toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SpecObj spec = new SpecObj(file.toString(), new SimpleFilenameToStream(dir));
        int status;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            status = SANY.frontEndMain(spec, file.toString(), out);
        } catch (Exception e) {
            throw new IllegalStateException("SANY failed on " + file + ":\n" + log.toString(StandardCharsets.UTF_8), e);
        }
        ModuleNode root = spec.getExternalModuleTable() == null ? null : spec.getExternalModuleTable().getRootModule();
        if (status != 0 || root == null || spec.getErrorLevel() >= 3 /* semantic errors */) {
            throw new IllegalStateException("SANY could not parse " + file + " (status " + status + ", error level "
                    + spec.getErrorLevel() + "):\n" + log.toString(StandardCharsets.UTF_8));
        }
        return root;
    }

    private static void walk(SemanticNode node, String module, Set<String> actions, List<String> unrecognised) {
        if (node instanceof LetInNode let) {
            walk(let.getBody(), module, actions, unrecognised);
        } else if (node instanceof SubstInNode subst) {
            walk(subst.getBody(), module, actions, unrecognised);
        } else if (node instanceof OpApplNode app) {
            String name = app.getOperator().getName().toString();
            if (app.getOperator() instanceof OpDefNode def && def.getKind() == ASTConstants.UserDefinedOpKind
                    && module.equals(def.getLocation().source())) {
                actions.add(name);
            } else if (CONNECTIVES.contains(name)) {
                for (ExprOrOpArgNode arg : app.getArgs()) {
                    walk(arg, module, actions, unrecognised);
                }
            } else {
                unrecognised.add(name + " at " + app.getLocation());
            }
        } else {
            unrecognised.add(node.getClass().getSimpleName() + " at " + node.getLocation());
        }
    }
}
