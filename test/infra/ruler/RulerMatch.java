import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import software.amazon.event.ruler.Machine;

/**
 * Reads one JSON object per line, {"pattern": ..., "event": ...}, and prints true or false per line:
 * whether AWS Event Ruler (EventBridge's pattern matcher) matches the event against the pattern.
 * A pattern Event Ruler rejects prints "error: ..." instead.
 */
public class RulerMatch {
  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) continue;
      JsonNode pair = json.readTree(line);
      try {
        Machine machine = new Machine();
        machine.addRule("pattern", json.writeValueAsString(pair.get("pattern")));
        System.out.println(!machine.rulesForJSONEvent(json.writeValueAsString(pair.get("event"))).isEmpty());
      } catch (Exception error) {
        System.out.println("error: " + error.getMessage().replace('\n', ' '));
      }
    }
  }
}
