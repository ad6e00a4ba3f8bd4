package dev.synod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.synod.stm.Atom;
import dev.synod.stm.Codec;
import dev.synod.stm.Ref;
import dev.synod.zookeeper.ZooKeeperStm;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** ls and get as a user runs them: exact lines, exact JSON, against a real server. */
class InspectionCommandsTest extends CliTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ZooKeeperStm stm(String namespace) {
        return closeLater(ZooKeeperStm.builder()
                .connectString(connect())
                .namespace(namespace)
                .build());
    }

    @Test
    void lsListsRefsAndAtomsWithKindVersionMzxidAndSize() throws Exception {
        String ns = "/" + unique("ls");
        ZooKeeperStm stm = stm(ns);
        Ref<Integer> alice = stm.ref("accounts/alice", Codec.json(Integer.class), 10);
        stm.atom("hits", Codec.json(Long.class), 0L);
        stm.run(txn -> alice.set(15));
        CuratorFramework raw = rawClient();
        Stat aliceStat = raw.checkExists().forPath(ns + "/cells/accounts:alice");
        Stat hitsStat = raw.checkExists().forPath(ns + "/cells/hits");

        Result text = synodHere("ls", "--namespace", ns);
        assertThat(text.code()).isZero();
        assertThat(text.err()).isEmpty();
        List<String> lines = text.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "KIND", "VERSION", "MZXID", "SIZE");
        assertThat(lines.get(1).split("\\s+"))
                .containsExactly(
                        "accounts/alice",
                        "ref",
                        "1",
                        "0x" + Long.toHexString(aliceStat.getMzxid()),
                        Integer.toString(aliceStat.getDataLength()));
        assertThat(lines.get(2).split("\\s+"))
                .containsExactly(
                        "hits",
                        "atom",
                        "0",
                        "0x" + Long.toHexString(hitsStat.getMzxid()),
                        Integer.toString(hitsStat.getDataLength()));

        Result json = synodHere("ls", "--namespace", ns, "--json");
        assertThat(json.code()).isZero();
        JsonNode array = JSON.readTree(json.out());
        assertThat(array).hasSize(2);
        assertThat(array.get(0).toString())
                .isEqualTo("{\"name\":\"accounts/alice\",\"kind\":\"ref\",\"version\":1,\"mzxid\":"
                        + aliceStat.getMzxid() + ",\"size\":" + aliceStat.getDataLength() + "}");
        assertThat(array.get(1).get("kind").asText()).isEqualTo("atom");
    }

    @Test
    void lsOfAnEmptyNamespaceSaysSo() throws Exception {
        String ns = "/" + unique("empty");
        Result text = synodHere("ls", "--namespace", ns);
        assertThat(text.code()).isZero();
        assertThat(text.out()).isEqualTo("no refs or atoms in " + ns + " at " + connect() + System.lineSeparator());
        Result json = synodHere("ls", "--namespace", ns, "--json");
        assertThat(json.out().trim()).isEqualTo("[]");
    }

    @Test
    void getShowsValueVersionZxidWriterAndHistory() throws Exception {
        String ns = "/" + unique("get");
        ZooKeeperStm stm = stm(ns);
        Ref<List<String>> names = stm.ref(
                "team", Codec.json(new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {}), List.of("a"));
        stm.run(txn -> names.set(List.of("a", "b")));
        CuratorFramework raw = rawClient();
        long firstWrite = raw.checkExists().forPath(ns + "/cells/team").getMzxid();
        stm.run(txn -> names.set(List.of("a", "b", "c")));
        Stat stat = raw.checkExists().forPath(ns + "/cells/team");

        Result json = synodHere("get", "team", "--namespace", ns, "--json");
        assertThat(json.code()).isZero();
        JsonNode o = JSON.readTree(json.out());
        assertThat(o.get("name").asText()).isEqualTo("team");
        assertThat(o.get("kind").asText()).isEqualTo("ref");
        assertThat(o.get("value").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
        assertThat(o.get("version").asInt()).isEqualTo(2);
        assertThat(o.get("mzxid").asLong()).isEqualTo(stat.getMzxid());
        assertThat(o.get("writer").asText()).matches("[0-9a-f]+");
        assertThat(o.get("history")).hasSize(1);
        assertThat(o.get("history").get(0).get("zxid").asLong()).isEqualTo(firstWrite);
        assertThat(o.get("history").get(0).get("value").toString()).isEqualTo("[\"a\",\"b\"]");

        Result text = synodHere("get", "/team", "--namespace", ns);
        assertThat(text.code()).isZero();
        assertThat(text.out())
                .contains("name     team")
                .contains("kind     ref")
                .contains("value    [\"a\",\"b\",\"c\"]")
                .contains("version  2")
                .contains("mzxid    0x" + Long.toHexString(stat.getMzxid()))
                .contains("history  1 earlier value(s), newest first")
                .containsPattern("0x" + Long.toHexString(firstWrite) + " +\\[\"a\",\"b\"\\]  by [0-9a-f]+");
    }

    @Test
    void getOfAnAtomShowsItsValue() throws Exception {
        String ns = "/" + unique("get-atom");
        Atom<Long> hits = stm(ns).atom("hits", Codec.json(Long.class), 41L);
        hits.swap(n -> n + 1);
        Result json = synodHere("get", "hits", "--namespace", ns, "--json");
        assertThat(json.code()).isZero();
        JsonNode o = JSON.readTree(json.out());
        assertThat(o.get("kind").asText()).isEqualTo("atom");
        assertThat(o.get("value").asLong()).isEqualTo(42);
        assertThat(o.get("version").asInt()).isEqualTo(1);
        assertThat(o.get("turns").asInt()).isZero();
        assertThat(synodHere("get", "hits", "--namespace", ns).out()).doesNotContain("turns");

        // a client that kept losing claims a turn: a child of the cell's znode
        rawClient()
                .create()
                .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(ns + "/cells/hits/claim-1000-");
        JsonNode claimed = JSON.readTree(
                synodHere("get", "hits", "--namespace", ns, "--json").out());
        assertThat(claimed.get("turns").asInt()).isEqualTo(1);
        assertThat(synodHere("get", "hits", "--namespace", ns).out())
                .contains("turns    1 claimed (clients that kept losing asked for a turn: other commits of this atom"
                        + " wait, for a few seconds at most)");
    }
}
