package dev.synod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** watch across a ZooKeeper outage (its own class: it stops and restarts the class's server). */
class WatchOutageTest extends CliTestSupport {

    @Test
    void watchSaysWhenTheConnectionIsLostAndBackAndKeepsShowingChanges() throws Exception {
        Watched w = watchedAfterOneChange("outage");
        String name = w.name();
        CapturedRun watch = w.watch();

        server.stop();
        watch.awaitError("synod: lost the connection to ZooKeeper at " + connect()
                + "; waiting for it (changes made meanwhile show once it is back)");
        server.restart();
        watch.awaitError("synod: connected to ZooKeeper at " + connect() + " again");
        w.stm().run(txn -> w.ref().set(3));

        Result r = watch.result();
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).endsWith(name + " changed version 2: 2 -> 3");
        assertThat(r.err().lines()).as("once each, for one outage").hasSize(2);
    }
}
