import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * What the SDK drivers of the lienthong test tiers share: one JSON request per line on stdin, one
 * JSON reply per line on stdout ({"result": ...} or {"error": ...}). The SDKs print their own traces
 * to System.out: they are moved to stderr so stdout carries only the replies.
 */
public abstract class JsonLinesDriver {
    protected final Gson gson = new Gson();

    /** The SDK's result object for one request (serialised with Gson), or null when it returned null. */
    protected abstract Object call(JsonObject request) throws Exception;

    protected static String text(JsonObject request, String key) {
        JsonElement value = request.get(key);
        if (value == null || value.isJsonNull()) {
            throw new IllegalArgumentException("missing " + key);
        }
        return value.getAsString();
    }

    protected static void serve(JsonLinesDriver driver) throws Exception {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, "UTF-8"), true);
        System.setOut(new PrintStream(System.err, true, "UTF-8"));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.trim().isEmpty()) {
                continue;
            }
            JsonObject reply = new JsonObject();
            try {
                JsonObject request = new JsonParser().parse(line).getAsJsonObject();
                reply.add("result", driver.gson.toJsonTree(driver.call(request)));
            } catch (Exception e) {
                reply.addProperty("error", e.toString());
            }
            out.println(driver.gson.toJson(reply));
        }
    }
}
