package org.json;

import java.util.Set;

/** Compile-time stand-in for the json.org API Bkav's EdocService calls (see JSONException). */
public class JSONObject {
    public JSONObject(String source) {
        throw new UnsupportedOperationException("stub");
    }

    public Set<String> keySet() {
        throw new UnsupportedOperationException("stub");
    }

    public Object get(String key) {
        throw new UnsupportedOperationException("stub");
    }

    public String getString(String key) {
        throw new UnsupportedOperationException("stub");
    }
}
