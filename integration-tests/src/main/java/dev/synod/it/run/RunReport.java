package dev.synod.it.run;

import dev.synod.it.check.CheckResult;
import dev.synod.it.history.Op;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a {@link FaultRun} produced: the merged history and the checker results of each workload,
 * the summary table, and the directory holding its histories and logs. Immutable.
 *
 * @param name the run's name
 * @param dir where the run wrote its histories, logs and summary
 * @param histories the merged history of each workload, by workload name
 * @param results the checker results of each workload, by workload name
 * @param counts the connection states and injected faults, by name
 * @param summary the rendered {@link dev.synod.it.check.SummaryTable}
 */
public record RunReport(
        String name,
        Path dir,
        Map<String, List<Op>> histories,
        Map<String, List<CheckResult>> results,
        Map<String, Long> counts,
        String summary) {

    /** The one checker result of {@code workload}. */
    public CheckResult result(String workload) {
        List<CheckResult> list = results.get(workload);
        if (list == null || list.size() != 1) {
            throw new IllegalArgumentException("no single result for " + workload + " in " + results.keySet());
        }
        return list.get(0);
    }

    /** The number of anomalies of every type found in {@code workload}. */
    public int anomalies(String workload) {
        return results.get(workload).stream()
                .mapToInt(r -> r.anomalies().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .sum();
    }

    /** A named count (connection states, faults), 0 if absent. */
    public long count(String name) {
        return counts.getOrDefault(name, 0L);
    }

    /**
     * Copies the run's histories, logs and summary to {@code target/fault-histories/<name>} (next
     * to the run directory's parent) and returns that directory; for a failing run.
     */
    public Path keepHistories() {
        Path kept = dir.getParent().resolveSibling("fault-histories").resolve(name);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.toList()) {
                Path copy = kept.resolve(dir.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return kept;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the histories of " + name, e);
        }
    }
}
