package ai.synth.lm.internal.wire;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * Derives a strict JSON schema (OpenAI's structured-output subset) from a Java type, using Jackson's own view of
 * the type so the schema names exactly the properties {@link StructuredJson} reads back: every property required,
 * {@code additionalProperties: false} on every object, {@code Optional} and {@code @Nullable} properties allowed
 * to be null. Types a strict schema cannot state (maps, {@code Object}, recursion) are refused with the path of
 * the property that has them.
 */
public final class TypeSchemas {

    private static final Set<Class<?>> INTEGERS = Set.of(byte.class, short.class, int.class, long.class,
            Byte.class, Short.class, Integer.class, Long.class, BigInteger.class);
    private static final Set<Class<?>> NUMBERS = Set.of(float.class, double.class, Float.class, Double.class,
            BigDecimal.class, Number.class);
    private static final Set<Class<?>> STRINGS = Set.of(String.class, CharSequence.class, char.class,
            Character.class, UUID.class, URI.class, byte[].class);

    private TypeSchemas() {}

    /**
     * The schema of {@code type}, an object schema as nested maps and lists.
     *
     * @throws IllegalArgumentException naming the property whose type a strict schema cannot describe
     */
    public static Map<String, Object> derive(Class<?> type) {
        JavaType javaType = StructuredJson.MAPPER.constructType(type);
        Map<String, Object> schema = new Walk(type).schema(javaType, type.getSimpleName());
        if (!"object".equals(schema.get("type"))) {
            throw new IllegalArgumentException(type.getName() + " cannot be the root of a structured answer: the"
                    + " root of a strict schema is an object. Use a record or class with properties (wrap a list"
                    + " or a value in a record)");
        }
        return schema;
    }

    /** One derivation; remembers the classes on the current path to refuse recursion. */
    private static final class Walk {
        private final Class<?> root;
        private final Deque<Class<?>> path = new ArrayDeque<>();

        Walk(Class<?> root) {
            this.root = root;
        }

        Map<String, Object> schema(JavaType t, String where) {
            Class<?> raw = t.getRawClass();
            if (raw == Optional.class) {
                return nullable(schema(t.containedTypeOrUnknown(0), where));
            }
            if (raw == OptionalInt.class || raw == OptionalLong.class) {
                return nullable(type("integer"));
            }
            if (raw == OptionalDouble.class) {
                return nullable(type("number"));
            }
            if (raw == boolean.class || raw == Boolean.class) {
                return type("boolean");
            }
            if (INTEGERS.contains(raw)) {
                return type("integer");
            }
            if (NUMBERS.contains(raw)) {
                return type("number");
            }
            if (STRINGS.contains(raw)) {
                return type("string");
            }
            if (raw.isEnum()) {
                return enumeration(raw, where);
            }
            if (t.isArrayType() || t.isCollectionLikeType()) {
                Map<String, Object> array = type("array");
                array.put("items", schema(t.getContentType(), where + "[]"));
                return array;
            }
            if (t.isMapLikeType()) {
                throw unsupported(where, "a Map", "a strict schema names every property: use a record, or a list"
                        + " of key-value records");
            }
            if (raw == Object.class || raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
                throw unsupported(where, raw.getSimpleName(), "use a concrete record or class");
            }
            if (raw.isPrimitive() || raw.getPackageName().startsWith("java.")) {
                throw unsupported(where, raw.getName(), "use a String, a number, a boolean, an enum, a list or a"
                        + " record");
            }
            return object(t, where);
        }

        private Map<String, Object> object(JavaType t, String where) {
            Class<?> raw = t.getRawClass();
            if (path.contains(raw)) {
                throw unsupported(where, raw.getSimpleName() + ", which contains itself", "a recursive type cannot be"
                        + " stated in a strict schema here; cut the cycle (e.g. refer to children by id)");
            }
            path.push(raw);
            BeanDescription bean = StructuredJson.MAPPER.getSerializationConfig().introspect(t);
            Map<String, Object> properties = new LinkedHashMap<>();
            for (BeanPropertyDefinition property : bean.findProperties()) {
                Map<String, Object> schema = schema(property.getPrimaryType(), where + "." + property.getName());
                if (isNullable(raw, property.getInternalName())) {
                    schema = nullable(schema);
                }
                String description = property.getMetadata().getDescription();
                if (description != null && !description.isEmpty()) {
                    schema.put("description", description);
                }
                properties.put(property.getName(), schema);
            }
            path.pop();
            if (properties.isEmpty()) {
                throw unsupported(where, raw.getName() + ", which has no properties Jackson can see",
                        "make it a record, or give it public fields or getters");
            }
            Map<String, Object> object = type("object");
            String description = bean.findClassDescription();
            if (description != null && !description.isEmpty()) {
                object.put("description", description);
            }
            object.put("properties", properties);
            object.put("required", new ArrayList<>(properties.keySet()));
            object.put("additionalProperties", false);
            return object;
        }

        private Map<String, Object> enumeration(Class<?> raw, String where) {
            List<Object> values = new ArrayList<>();
            for (Object constant : raw.getEnumConstants()) {
                Object json = StructuredJson.MAPPER.convertValue(constant, Object.class);
                if (!(json instanceof String)) {
                    throw unsupported(where, raw.getSimpleName() + ", an enum written as " + json,
                            "use an enum written as a string");
                }
                values.add(json);
            }
            Map<String, Object> schema = type("string");
            schema.put("enum", values);
            return schema;
        }

        private IllegalArgumentException unsupported(String where, String what, String fix) {
            return new IllegalArgumentException("Cannot derive a JSON schema from " + root.getName() + ": " + where
                    + " is " + what + "; " + fix);
        }
    }

    private static Map<String, Object> type(String type) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", type);
        return schema;
    }

    /** A scalar gets {@code "type": [t, "null"]} (and null among its enum values), anything else an anyOf. */
    static Map<String, Object> nullable(Map<String, Object> schema) {
        Object type = schema.get("type");
        if (type instanceof List<?> || schema.containsKey("anyOf")) {
            return schema; // already nullable
        }
        if ("object".equals(type) || "array".equals(type)) {
            Map<String, Object> either = new LinkedHashMap<>();
            either.put("anyOf", List.of(schema, Map.of("type", "null")));
            return either;
        }
        Map<String, Object> copy = new LinkedHashMap<>(schema);
        copy.put("type", List.of(type, "null"));
        if (schema.get("enum") instanceof List<?> values) {
            List<Object> withNull = new ArrayList<>(values);
            withNull.add(null);
            copy.put("enum", withNull);
        }
        return copy;
    }

    /**
     * Whether the property carries an annotation named {@code Nullable} (any library's: JSpecify, JSR 305,
     * Jakarta, JetBrains), on its record component, field or getter, or on the type there.
     */
    private static boolean isNullable(Class<?> owner, String name) {
        List<AnnotatedElement> places = new ArrayList<>();
        List<java.lang.reflect.AnnotatedType> types = new ArrayList<>();
        if (owner.isRecord()) {
            for (RecordComponent c : owner.getRecordComponents()) {
                if (c.getName().equals(name)) {
                    places.add(c);
                    places.add(c.getAccessor());
                    types.add(c.getAnnotatedType());
                }
            }
        }
        for (Class<?> c = owner; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    places.add(f);
                    types.add(f.getAnnotatedType());
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                String n = m.getName();
                if (m.getParameterCount() == 0 && (n.equalsIgnoreCase("get" + name) || n.equalsIgnoreCase("is" + name))) {
                    places.add(m);
                    types.add(m.getAnnotatedReturnType());
                }
            }
        }
        for (AnnotatedElement place : places) {
            if (hasNullable(place.getAnnotations())) {
                return true;
            }
        }
        return types.stream().anyMatch(t -> hasNullable(t.getAnnotations()));
    }

    private static boolean hasNullable(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }
}
