// EventBridge's own pattern matching, from aws/event-ruler (the open-source library of EventBridge's
// matching), for rules moto cannot evaluate (moto does not match through arrays of objects such as
// detail.headers). Reads "<rule JSON>\t<event JSON>" per line on stdin; prints "true" or "false".
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import software.amazon.event.ruler.Machine;

public class RuleOracle {
  @SuppressWarnings("deprecation")
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      int tab = line.indexOf('\t');
      Machine machine = new Machine();
      machine.addRule("rule", line.substring(0, tab));
      out.append(machine.rulesForJSONEvent(line.substring(tab + 1)).contains("rule")).append('\n');
    }
    System.out.print(out);
  }
}
