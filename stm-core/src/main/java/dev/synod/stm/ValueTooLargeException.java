package dev.synod.stm;

/**
 * A value is larger than the coordinator accepts (ZooKeeper's {@code jute.maxbuffer}, 1 MiB by
 * default). Thrown before anything is sent. Keep large values in an external back-end ({@code
 * VersionedStateContainer}, see {@code stm-plugins}) so that only a small pointer is stored in the
 * coordinator.
 */
public class ValueTooLargeException extends StmException {
    private static final long serialVersionUID = 1L;
    private final String refName;
    private final long size;
    private final long limit;

    public ValueTooLargeException(String refName, long size, long limit) {
        super("value of '" + refName + "' encodes to " + size + " bytes (with history), over the limit of "
                + limit + " bytes; keep large values in an external back-end (VersionedStateContainer, "
                + "see stm-plugins) or raise the limit (ZooKeeper: jute.maxbuffer on servers and clients)");
        this.refName = refName;
        this.size = size;
        this.limit = limit;
    }

    public String refName() {
        return refName;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
