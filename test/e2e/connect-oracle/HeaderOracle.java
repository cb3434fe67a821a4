// The connector's header path, run on the real Kafka Connect jars (connect-api, connect-json) to serve
// as the oracle of lambda/core/header-*.ts: Connect's SimpleHeaderConverter types the header's bytes,
// ConnectHeaders validates the result, JsonConverter (schemas.enable=false) writes it, and Jackson
// reads it back and writes the header item, as aws/eventbridge-kafka-connector v1.6.1's
// SinkRecordJsonMapper does. Reads one base64 header value per line on stdin; prints per line
// "ok <header item JSON>" or "fail <exception class>" (where the connector fails the record).
// Run: java -Duser.timezone=UTC -cp '<jars>/*' HeaderOracle.java
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;

public class HeaderOracle {
  public static void main(String[] args) throws Exception {
    SimpleHeaderConverter headerConverter = new SimpleHeaderConverter();
    JsonConverter jsonConverter = new JsonConverter();
    jsonConverter.configure(Map.of("schemas.enable", "false"), false);
    ObjectMapper mapper = new ObjectMapper();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      byte[] bytes = Base64.getDecoder().decode(line);
      try {
        SchemaAndValue typed = headerConverter.toConnectHeader("topic", "h", bytes);
        ConnectHeaders headers = new ConnectHeaders();
        headers.add("h", typed);
        Header header = headers.lastWithName("h");
        byte[] json = jsonConverter.fromConnectHeader("topic", "h", header.schema(), header.value());
        var item = mapper.createObjectNode();
        item.set("h", mapper.readTree(json));
        out.append("ok ").append(item.toString()).append('\n');
      } catch (Throwable e) {
        out.append("fail ").append(e.getClass().getSimpleName()).append('\n');
      }
    }
    System.out.print(out);
  }
}
