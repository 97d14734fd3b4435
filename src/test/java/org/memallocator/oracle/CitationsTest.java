package org.memallocator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.memallocator.graph.StateGraph;
import org.memallocator.model.MemAllocatorModel;

/**
 * The product stands alone: README.md, PORTING.md, every text file under docs/ and every vector's
 * description cite no file that is not in the repository: no "directshow.md" or "reference notes",
 * no "../shared", no absolute path of the machine that wrote them, and every file name they mention
 * exists here, unless it is one of the named files of Microsoft's, Wine's or the Windows SDK's
 * public sources, or a name the reader creates.
 */
class CitationsTest {

    private static final Path REPO = Path.of(System.getProperty("memallocator.repo", "."));

    /** Words that cite notes outside the repository. */
    private static final Pattern FORBIDDEN = Pattern.compile(
            "(?i)directshow\\.md|\\.\\./shared|shared/reference|reference notes|/work/|/home/|/tmp/[\\w-]+\\.md");

    /** A file name with an extension a citation would have. */
    private static final Pattern FILE = Pattern.compile(
            "(?<![\\w./-])([\\w./-]*[\\w-]\\.(?:md|json|jsonl|java|tla|cfg|py|hpp|cpp|c|h|idl|sh|txt|dot|svg|png))\\b");

    /** Public sources outside the project, named as such, and names a reader creates or a tool writes. */
    private static final Set<String> OUTSIDE = Set.of(
            "amfilter.cpp", "amfilter.h", "combase.cpp", "wxdebug.h", "memallocator.c", "vfwmsgs.h", "winerror.h",
            "strmif.h", "axcore.idl", "index.json", "h.jsonl", "Mine.cfg", "BadGen.cfg", "BadGen.tla", "Small.cfg",
            "hold-recheck.json");

    /** What in {@code text} cites something outside the repository; {@code files} are the repository's. */
    static List<String> problems(String where, String text, Set<String> files, Set<String> names) {
        return problems(where, text, files, names, true);
    }

    /**
     * As above; {@code fileNames} false checks only the forbidden words (source code names system
     * headers and shell variables, which are no citations).
     */
    static List<String> problems(String where, String text, Set<String> files, Set<String> names, boolean fileNames) {
        List<String> found = new ArrayList<>();
        Matcher bad = FORBIDDEN.matcher(text);
        while (bad.find()) {
            found.add(where + ": cites \"" + bad.group() + "\"");
        }
        Matcher f = FILE.matcher(text);
        while (fileNames && f.find()) {
            String cited = f.group(1).replaceFirst("^\\./", "");
            String name = cited.substring(cited.lastIndexOf('/') + 1);
            if (cited.startsWith("//") || cited.startsWith("target/") || cited.contains("*") || OUTSIDE.contains(name)
                    || cited.matches("(core|timed|interrupt|hold|surface|wakeall)-.*")) {
                continue; // a URL, a build output, a pattern, a public source outside, a generated vector
            }
            boolean exists = cited.contains("/") && !cited.contains("...")
                    ? files.stream().anyMatch(p -> p.endsWith(cited)) : names.contains(name);
            if (!exists) {
                found.add(where + ": " + cited + " is not in the repository");
            }
        }
        return found;
    }

    @Test
    void theDocumentsAndTheVectorsCiteOnlyWhatIsInTheRepository() throws IOException {
        Set<String> files = new HashSet<>();
        Set<String> names = new HashSet<>();
        List<Path> documents = new ArrayList<>(List.of(REPO.resolve("README.md"), REPO.resolve("PORTING.md")));
        Files.walkFileTree(REPO, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                return !dir.equals(REPO) && (name.equals("target") || name.startsWith(".")) ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
                String rel = REPO.relativize(p).toString().replace('\\', '/');
                files.add(rel);
                names.add(p.getFileName().toString());
                if (rel.startsWith("docs/") && !rel.endsWith(".png") && !rel.endsWith(".svg")) {
                    documents.add(p);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        List<String> found = new ArrayList<>();
        for (Path d : documents) {
            try {
                String name = d.getFileName().toString();
                boolean prose = name.endsWith(".md") || name.endsWith(".json");
                found.addAll(problems(REPO.relativize(d).toString(), Files.readString(d), files, names, prose));
            } catch (MalformedInputException binary) {
                // not text
            }
        }
        for (Map.Entry<String, ObjectNode> v : vectors().entrySet()) {
            found.addAll(problems("vector " + v.getKey(), v.getValue().path("description").asText(), files, names));
        }
        assertEquals(List.of(), found);
        assertTrue(documents.size() > 10, documents.toString());
    }

    @Test
    void aDanglingCitationIsFound() {
        Set<String> files = Set.of("PORTING.md", "docs/vectors.schema.json");
        Set<String> names = Set.of("PORTING.md", "vectors.schema.json");
        assertEquals(List.of(), problems("ok", "See PORTING.md and docs/vectors.schema.json, or amfilter.cpp.", files, names));
        String found = String.join("\n", problems("bad", "the numbers of directshow.md section 8; "
                + "../shared/reference/formal.md; the DirectShow reference notes; docs/behaviour.md", files, names));
        for (String cited : List.of("directshow.md", "../shared", "reference notes", "docs/behaviour.md")) {
            assertTrue(found.contains(cited), cited + " not found in:\n" + found);
        }
    }

    /** Every vector a small model gives, with the surface vectors: their descriptions are generated. */
    private static Map<String, ObjectNode> vectors() {
        MemAllocatorModel small = new MemAllocatorModel(List.of("t1"), 1, 1);
        Map<String, ObjectNode> all = new java.util.TreeMap<>(VectorGenerator.graphVectors(
                StateGraph.explore(small).withoutDuplicates(), small, "MemAllocator.tla", "Small.cfg").files());
        for (ObjectNode s : SurfaceVectors.all()) {
            all.put(s.get("name").asText(), s);
        }
        return all;
    }
}
