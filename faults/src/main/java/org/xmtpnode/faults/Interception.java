package org.xmtpnode.faults;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Wraps a bean in a proxy of every interface it implements, so a fault can act before one of its methods
 * runs, found by the interface's name: this jar has no compile-time view of the service it is loaded into.
 */
final class Interception {

    /** Runs before the call; the call then proceeds unless this throws or halts the JVM. */
    @FunctionalInterface
    interface Before {
        void call(Method method, Object[] args);
    }

    private Interception() {}

    static boolean implementsInterface(Object bean, String interfaceName) {
        for (Class<?> c = bean.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getName().equals(interfaceName)) {
                    return true;
                }
            }
        }
        return false;
    }

    static Object wrap(Object bean, Before before) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = bean.getClass(); c != null; c = c.getSuperclass()) {
            interfaces.addAll(Set.of(c.getInterfaces()));
        }
        InvocationHandler handler = (proxy, method, args) -> {
            before.call(method, args);
            try {
                return method.invoke(bean, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return Proxy.newProxyInstance(bean.getClass().getClassLoader(), interfaces.toArray(Class<?>[]::new), handler);
    }
}
