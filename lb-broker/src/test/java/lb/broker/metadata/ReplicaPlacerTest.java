package lb.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import lb.broker.config.StreamOverrides;
import org.junit.jupiter.api.Test;

class ReplicaPlacerTest {
    private static final List<String> THREE = List.of("n1", "n2", "n3");

    @Test
    void oneNodeLeadsEverything() {
        var placements = ReplicaPlacer.place(List.of("solo"), MetadataView.EMPTY, 1, 4);
        assertEquals(4, placements.size());
        placements.forEach(p -> {
            assertEquals(List.of("solo"), p.replicas());
            assertEquals("solo", p.leader());
        });
    }

    @Test
    void partitionsOfOneStreamSpreadOverTheCluster() {
        var placements = ReplicaPlacer.place(THREE, MetadataView.EMPTY, 1, 3);
        assertEquals(List.of("n1", "n2", "n3"), placements.stream().map(ReplicaPlacer.Placement::leader).toList());
        var rf2 = ReplicaPlacer.place(THREE, MetadataView.EMPTY, 2, 3);
        assertEquals(List.of(List.of("n1", "n2"), List.of("n3", "n1"), List.of("n2", "n3")),
                rf2.stream().map(ReplicaPlacer.Placement::replicas).toList());
        assertEquals(List.of("n1", "n3", "n2"), rf2.stream().map(ReplicaPlacer.Placement::leader).toList());
    }

    @Test
    void existingLoadSteersPlacementAndIsDeterministic() {
        MetadataFsm fsm = new MetadataFsm();
        StreamSpec spec = new StreamSpec("s", "a", "", 1, 2, StreamOverrides.NONE);
        fsm.apply(1, MetadataCommands.createStream(spec, 1, ReplicaPlacer.place(THREE, fsm.view(), 1, 2), false, 1));
        // n1 and n2 each carry one partition now: the next one goes to n3.
        var next = ReplicaPlacer.place(THREE, fsm.view(), 1, 1);
        assertEquals("n3", next.get(0).leader());
        assertEquals(next, ReplicaPlacer.place(THREE, fsm.view(), 1, 1));
    }

    @Test
    void refusesImpossibleReplicationFactors() {
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacer.place(THREE, MetadataView.EMPTY, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacer.place(THREE, MetadataView.EMPTY, 0, 1));
    }
}
