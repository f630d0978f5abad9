package dev.kcops.connect.access;

/** A key's role on a team, ordered: each includes the rights of the ones before it. "*": admin is the global admin. */
enum Role {
    VIEWER, OPERATOR, ADMIN;

    boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    static Role parse(String s) {
        return switch (s) {
            case "viewer" -> VIEWER;
            case "operator" -> OPERATOR;
            case "admin" -> ADMIN;
            default -> null;
        };
    }
}
