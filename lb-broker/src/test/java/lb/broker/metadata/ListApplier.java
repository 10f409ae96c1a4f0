package lb.broker.metadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A CommandApplier for log tests: its state is the list of commands (as strings) and the
 * indexes they were applied at; a snapshot is that list. Apply returns "applied:<index>".
 */
final class ListApplier implements CommandApplier {
    final List<String> commands = new ArrayList<>();
    final List<Long> indexes = new ArrayList<>();
    int restores;

    @Override
    public Object apply(long index, byte[] command) {
        commands.add(new String(command, StandardCharsets.UTF_8));
        indexes.add(index);
        return "applied:" + index;
    }

    @Override
    public byte[] snapshot() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < commands.size(); i++) {
            b.append(indexes.get(i)).append(' ').append(commands.get(i)).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void restore(byte[] snapshot) {
        restores++;
        commands.clear();
        indexes.clear();
        String text = new String(snapshot, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return;
        }
        for (String line : Arrays.asList(text.split("\n"))) {
            int sp = line.indexOf(' ');
            indexes.add(Long.parseLong(line.substring(0, sp)));
            commands.add(line.substring(sp + 1));
        }
    }
}
