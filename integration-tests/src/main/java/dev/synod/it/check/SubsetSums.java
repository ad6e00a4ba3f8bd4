package dev.synod.it.check;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sums of all subsets of a list of integer vectors, for explaining a final state by some of
 * the operations whose outcome is unknown. Exact, but bounded: gives up past a number of
 * distinct sums.
 */
final class SubsetSums {
    /** The number of distinct sums past which the search gives up. */
    static final int MAX_SUMS = 1 << 17;

    private SubsetSums() {}

    /** An immutable vector with value equality. */
    record Vec(long[] values) {
        Vec {
            values = values.clone();
        }

        static Vec zero(int dimension) {
            return new Vec(new long[dimension]);
        }

        Vec plus(Vec other, long factor) {
            long[] sum = values.clone();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += factor * other.values[i];
            }
            return new Vec(sum);
        }

        long get(int i) {
            return values[i];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Vec v && Arrays.equals(values, v.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    /** Returns every sum of a subset of {@code vectors} (the empty one too), or empty past the limit. */
    static Optional<Set<Vec>> of(List<Vec> vectors, int dimension) {
        Set<Vec> sums = new HashSet<>();
        sums.add(Vec.zero(dimension));
        for (Vec v : vectors) {
            for (Vec s : List.copyOf(sums)) {
                sums.add(s.plus(v, 1));
                if (sums.size() > MAX_SUMS) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(sums);
    }
}
