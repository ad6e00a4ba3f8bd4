package dev.synod.zookeeper.internal;

import dev.synod.stm.spi.Coordinator.Claim;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A claim: one child node per cell, released by the commit that uses it or by {@link #close}. */
final class ZkClaim implements Claim {
    final ClaimTaker taker;
    /** Cell name to this claim's child node on it. */
    final Map<String, String> nodes = new TreeMap<>();

    private volatile boolean standing = true;

    ZkClaim(ClaimTaker taker) {
        this.taker = taker;
    }

    @Override
    public List<String> names() {
        return List.copyOf(nodes.keySet());
    }

    /** Its nodes are there as far as this client knows (not deleted by a commit or close). */
    boolean standing() {
        return standing;
    }

    /** Standing, and no lease of it ran out: others still hold back for it. */
    @Override
    public boolean held() {
        if (!standing) {
            return false;
        }
        for (Map.Entry<String, String> n : nodes.entrySet()) {
            if (taker.claims().ranOut(n.getKey(), n.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Deleted by a commit that applied, or found gone (the session ended). */
    void gone() {
        standing = false;
        taker.claims().removed(nodes);
    }

    @Override
    public void close() {
        if (!standing) {
            return;
        }
        standing = false;
        taker.claims().removed(nodes);
        for (Map.Entry<String, String> n : nodes.entrySet()) {
            taker.deleteClaimNode(taker.paths().pathOf(n.getKey()) + "/" + n.getValue());
        }
    }

    @Override
    public String toString() {
        return "claim" + nodes;
    }
}
