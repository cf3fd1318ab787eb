"""The built-in providers, one module each; every module here registers itself when the registry reads this
package. A module here imports its SDK inside its factory, so listing the providers stays cheap."""
