package conclab.grader.probe;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test method as the check of one graded property of an exercise. The value is the property's id
 * in the exercise's definition ({@code property.ID = POINTS | public | TEXT}); points and wording come from
 * there, so a test says only what it checks.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Property {
    /** The property's id. */
    String value();
}
