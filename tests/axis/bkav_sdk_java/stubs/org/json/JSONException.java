package org.json;

/**
 * Compile-time stand-in for json.org's unchecked JSONException (Bkav's SDK is built against
 * org.json:json:20180813, not on this project's package registries). Only `javac` sees the stubs;
 * at run time the JSON library on the classpath (Debian's libandroid-json-java, or json.org's jar)
 * is used, and checked-ness does not exist in the bytecode.
 */
public class JSONException extends RuntimeException {
    public JSONException(String message) {
        super(message);
    }
}
