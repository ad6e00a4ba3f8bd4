package dev.synod.plugins.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/** A MongoDB wire-protocol server in this JVM (mongo-java-server, memory backend) and a client on it. */
public final class InProcessMongo implements AutoCloseable {
    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final MongoClient client;

    public InProcessMongo() {
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
    }

    public MongoDatabase database(String name) {
        return client.getDatabase(name);
    }

    /** Closes the client only (the server keeps running): what a closed client looks like to a store. */
    public void closeClient() {
        client.close();
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
