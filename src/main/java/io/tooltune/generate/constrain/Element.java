package io.tooltune.generate.constrain;

/** One position of a grammar alternative: a set of characters to read, or a rule to expand. */
sealed interface Element permits CharClass, Rule {}
